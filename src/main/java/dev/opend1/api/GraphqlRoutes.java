package dev.opend1.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.opend1.analytics.AnalyticsReader;
import dev.opend1.core.D1Exception;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /graphql}: Cloudflare's GraphQL Analytics API, for D1's datasets ({@code wrangler d1
 * info} and {@code wrangler d1 insights} ask it). The answer is GraphQL's JSON ({@code data} and
 * {@code errors}, status 200 even when the query is refused), not D1's envelope; only a request
 * that is not a GraphQL request at all (no credentials, a body that is not JSON) gets the envelope.
 */
final class GraphqlRoutes {

  /** A GraphQL request's body; other members (such as {@code extensions}) are ignored. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record GraphqlRequest(String query, String operationName, Map<String, Object> variables) {}

  private final AnalyticsReader analytics;
  private final RequestBodies bodies;

  GraphqlRoutes(AnalyticsReader analytics, RequestBodies bodies) {
    this.analytics = analytics;
    this.bodies = bodies;
  }

  void query(Context ctx, Caller caller) throws IOException {
    GraphqlRequest request =
        bodies.readJson(ctx, p -> Json.MAPPER.readValue(p, GraphqlRequest.class));
    if (request == null) {
      throw new D1Exception.InvalidRequest(
          "Bad Request: the body must be a GraphQL request object");
    }
    Map<String, Object> answer =
        analytics.graphql(
            caller.account(), request.query(), request.operationName(), request.variables());
    ctx.status(200).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(answer));
  }
}
