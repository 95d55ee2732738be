package dev.opend1.api;

import dev.opend1.config.ConfigException;
import dev.opend1.config.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the PEM certificate chain and private key of {@code --tls-cert}/{@code --tls-key} into an
 * in-memory key store for Jetty, with the JDK's own certificate and key factories. Keys may be
 * PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519) or PKCS#1 ({@code RSA PRIVATE KEY}); encrypted
 * keys are refused. Every failure is a {@link ConfigException} naming the file, never its content.
 */
final class PemKeyStore {

  /** The password of the in-memory key store; it never leaves this process. */
  static final String PASSWORD = "opend1";

  /** A PEM block; its body may start with RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}). */
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** The DER prefix that wraps a PKCS#1 RSA key into PKCS#8 (length bytes are filled in). */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private PemKeyStore() {}

  static KeyStore load(TlsFiles files) {
    List<Certificate> chain = certificates("tls-cert", files.certificate());
    PrivateKey key = privateKey(files.privateKey());
    try {
      if (!matches(key, chain.get(0))) {
        throw new GeneralSecurityException("the key's signatures do not verify");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("opend1", key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(
          "tls-key "
              + files.privateKey()
              + " does not match the certificate in "
              + files.certificate()
              + ": "
              + e.getMessage());
    }
  }

  /** Whether the key signs what the first certificate's public key verifies. */
  private static boolean matches(PrivateKey key, Certificate cert) throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm();
        };
    byte[] probe = "opend1 tls key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    try {
      verifier.initVerify(cert.getPublicKey());
    } catch (java.security.InvalidKeyException e) {
      return false;
    }
    verifier.update(probe);
    return verifier.verify(signature);
  }

  /**
   * A key store holding the PEM certificates of {@code file} ({@code --cluster-ca-file}) as trusted
   * entries, for a trust manager that trusts exactly them.
   */
  static KeyStore trusting(Path file) {
    List<Certificate> certs = certificates("cluster-ca-file", file);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certs.get(i));
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("cluster-ca-file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Every {@code CERTIFICATE} block of {@code file}; failures name {@code setting} and the file.
   */
  private static List<Certificate> certificates(String setting, Path file) {
    List<Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(file)) {
        if (b.type().equals("CERTIFICATE")) {
          chain.add(factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          setting + " " + file + ": not a valid certificate: " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new ConfigException(setting + " " + file + ": no PEM CERTIFICATE block found");
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file) {
    for (Block b : blocks(file)) {
      if (b.encrypted() || b.type().equals("ENCRYPTED PRIVATE KEY")) {
        throw new ConfigException(
            "tls-key "
                + file
                + ": the key is encrypted, and opend1 cannot ask for its passphrase; decrypt it"
                + " with `openssl pkey -in "
                + file
                + " -out key.pem` and give that file, readable by opend1's user only");
      }
      switch (b.type()) {
        case "PRIVATE KEY" -> {
          return pkcs8(file, b.der());
        }
        case "RSA PRIVATE KEY" -> {
          return pkcs8(file, wrapRsa(b.der()));
        }
        case "EC PRIVATE KEY" ->
            throw new ConfigException(
                "tls-key "
                    + file
                    + ": an EC key in OpenSSL's own form (BEGIN EC PRIVATE KEY); convert it to"
                    + " PKCS#8 with `openssl pkey -in "
                    + file
                    + " -out key.pem`");
        default -> {
          // Other blocks (EC PARAMETERS, a certificate in the same file) are skipped.
        }
      }
    }
    throw new ConfigException(
        "tls-key "
            + file
            + ": no PEM 'PRIVATE KEY' (PKCS#8) or 'RSA PRIVATE KEY' (PKCS#1) block found");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new ConfigException("tls-key " + file + ": not an RSA, EC or EdDSA private key");
  }

  /** PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }. */
  private static byte[] wrapRsa(byte[] pkcs1) {
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
    System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length;
    if (n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else if (n < 0x10000) {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    } else {
      length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  /** A PEM block: its type, its DER bytes, and whether its headers say it is encrypted. */
  private record Block(String type, byte[] der, boolean encrypted) {}

  private static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2).replace("\r\n", "\n").strip();
      boolean encrypted = false;
      // RFC 1421 headers (OpenSSL's traditional encrypted keys): "Name: value" lines, then a
      // blank line, then the base64.
      int blank = body.indexOf("\n\n");
      if (body.startsWith("Proc-Type:") && blank > 0) {
        encrypted = body.substring(0, blank).contains("ENCRYPTED");
        body = body.substring(blank).strip();
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body), encrypted));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(file + ": a PEM block is not valid base64");
      }
    }
    return blocks;
  }
}
