/**
 * The shared vocabulary of opend1: identifiers, regions, permissions and the {@link
 * dev.opend1.core.D1Exception} family. Depends on nothing but the JDK.
 */
package dev.opend1.core;
