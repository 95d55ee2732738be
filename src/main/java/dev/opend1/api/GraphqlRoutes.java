package dev.opend1.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.analytics.AnalyticsReader;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;

/**
 * {@code POST /graphql}: Cloudflare's GraphQL Analytics API, for D1's datasets ({@code wrangler d1
 * info} and {@code wrangler d1 insights} ask it). The answer is GraphQL's JSON ({@code data} and
 * {@code errors}, status 200 even when the query is refused), not D1's envelope; only a request
 * that is not a GraphQL request at all (no credentials, a body that is not a JSON object, a member
 * of the wrong type) gets the envelope, worded as D1 words a bad property.
 */
final class GraphqlRoutes {

  private static final TypeReference<Map<String, Object>> VARIABLES = new TypeReference<>() {};

  private final AnalyticsReader analytics;
  private final RequestBodies bodies;

  GraphqlRoutes(AnalyticsReader analytics, RequestBodies bodies) {
    this.analytics = analytics;
    this.bodies = bodies;
  }

  void query(Context ctx, Caller caller) throws IOException {
    // A GraphQL request is a few kilobytes: read whole, then checked member by member. Other
    // members (such as extensions) are ignored.
    ObjectNode body = bodies.readObject(ctx, false);
    String query = JsonFields.optionalString(body, "query").orElse(null);
    String operationName = JsonFields.optionalString(body, "operationName").orElse(null);
    Map<String, Object> variables =
        JsonFields.optionalObject(body, "variables")
            .map(v -> Json.MAPPER.convertValue(v, VARIABLES))
            .orElse(null);
    Map<String, Object> answer =
        analytics.graphql(caller.account(), query, operationName, variables);
    ctx.status(200).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(answer));
  }
}
