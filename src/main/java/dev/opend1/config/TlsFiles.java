package dev.opend1.config;

import java.nio.file.Path;

/**
 * The PEM files that turn on HTTPS: a certificate chain (server certificate first) and its private
 * key. Both were readable when the configuration was loaded.
 *
 * @param certificate PEM file of one or more {@code CERTIFICATE} blocks
 * @param privateKey PEM file of a PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY})
 *     key
 */
public record TlsFiles(Path certificate, Path privateKey) {}
