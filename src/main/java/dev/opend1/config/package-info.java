/**
 * Configuration: the {@link dev.opend1.config.Settings} registry, the immutable {@link
 * dev.opend1.config.ServerConfig} and its loader (flags over environment over config file over
 * defaults, with one naming rule: {@code --foo-bar} is {@code OPEND1_FOO_BAR}).
 */
package dev.opend1.config;
