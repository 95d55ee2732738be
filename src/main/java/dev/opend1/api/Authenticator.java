package dev.opend1.api;

import dev.opend1.catalog.ApiToken;
import dev.opend1.catalog.Tokens;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Turns a request's credentials into a {@link Caller}: {@code Authorization: Bearer <token>}, or
 * the legacy {@code X-Auth-Email} + {@code X-Auth-Key} pair. Tokens are looked up in the catalog on
 * every request, so a revocation bites at once.
 */
final class Authenticator {

  private final Tokens tokens;

  Authenticator(Tokens tokens) {
    this.tokens = tokens;
  }

  Caller authenticate(Context ctx) {
    return authenticate(ctx::header);
  }

  /** As {@link #authenticate(Context)}, with the request's headers by name. */
  Caller authenticate(UnaryOperator<String> headers) {
    String authorization = headers.apply("Authorization");
    Optional<ApiToken> token = Optional.empty();
    if (authorization != null) {
      String value = authorization.strip();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String secret = value.substring(7).strip();
        if (!secret.isEmpty()) {
          token = tokens.findBearer(secret);
        }
      }
    } else {
      String email = headers.apply("X-Auth-Email");
      String key = headers.apply("X-Auth-Key");
      if (email != null && key != null && !email.isBlank() && !key.isBlank()) {
        token = tokens.findLegacyKey(email.strip(), key.strip());
      }
    }
    return token.map(Caller::new).orElseThrow(D1Exception.AuthenticationFailed::new);
  }
}
