/**
 * Classes that break (and keep) the package rules on purpose, laid out like opend1's packages, so
 * {@code ArchitectureRulesTest} can show that each rule catches a violation. Never used by code.
 */
package dev.opend1.archfixture;
