package dev.opend1.analytics;

import graphql.ExecutionInput;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.execution.DataFetcherResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.SelectedField;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.OperationValidationRule;
import graphql.validation.ValidationError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Answers GraphQL queries over the analytics, with Cloudflare's schema for D1's datasets ({@code
 * analytics/schema.graphqls}): graphql-java parses and validates each query and calls this class
 * for {@code viewer.accounts} (which checks the account is the caller's) and for each dataset
 * (which reads the stored and live minutes, groups, orders and cuts them).
 *
 * <p>One validation rule is left out, as Cloudflare leaves it out: a variable may be declared with
 * another input type than the argument it is used for. wrangler declares its filter as {@code
 * ZoneWorkersRequestsFilter_InputObject} and uses it as a D1 dataset's filter; what the variable
 * holds is checked against the dataset's own filter fields when the query runs.
 */
final class AnalyticsGraphql {

  /** The most groups one dataset answers, as on Cloudflare. */
  static final long MAX_LIMIT = 10_000;

  /** The GraphQL context key of the caller's account id. */
  private static final String CALLER = "opend1.caller";

  /** Where the minutes come from: the store and the live minutes. */
  interface Facts {
    void read(Scope scope, FactSink sink);

    /** Each database's newest size before the scope's first minute ({@link LastSizes}). */
    Map<String, LastSizes.SizeAt> sizesBefore(Scope scope);
  }

  private final Facts facts;
  private final Clock clock;
  private final GraphQLSchema schema;
  private final GraphQL graphql;

  AnalyticsGraphql(Facts facts, Clock clock) {
    this.facts = facts;
    this.clock = clock;
    RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
    Scalars.all().forEach(wiring::scalar);
    wiring.type("Query", t -> t.dataFetcher("viewer", env -> Map.of()));
    wiring.type("viewer", t -> t.dataFetcher("accounts", AnalyticsGraphql::accounts));
    wiring.type(
        "account",
        t -> {
          for (Dataset d : Dataset.values()) {
            t.dataFetcher(d.field, env -> groups(d, env));
          }
          return t;
        });
    this.schema =
        new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl()), wiring.build());
    this.graphql =
        GraphQL.newGraphQL(schema)
            .preparsedDocumentProvider(
                (input, parseAndValidate) -> CompletableFuture.completedFuture(prepare(input)))
            .build();
  }

  private static String sdl() {
    try (InputStream in =
        AnalyticsGraphql.class.getResourceAsStream("/analytics/schema.graphqls")) {
      if (in == null) {
        throw new IllegalStateException("analytics/schema.graphqls is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a query for the caller's account and returns its answer in GraphQL's JSON form: {@code
   * data}, and {@code errors} when there are any.
   */
  Map<String, Object> execute(
      String callerAccount, String query, String operationName, Map<String, Object> variables) {
    ExecutionInput input =
        ExecutionInput.newExecutionInput()
            .query(query == null ? "" : query)
            .operationName(operationName)
            .variables(variables == null ? Map.of() : variables)
            .graphQLContext(Map.of(CALLER, callerAccount))
            .locale(Locale.ROOT)
            .build();
    return graphql.execute(input).toSpecification();
  }

  /** Parses and validates a query with every rule but VARIABLE_TYPES_MATCH (see the class). */
  private PreparsedDocumentEntry prepare(ExecutionInput input) {
    ParseAndValidateResult parsed = ParseAndValidate.parse(input);
    if (parsed.isFailure()) {
      return new PreparsedDocumentEntry(parsed.getErrors());
    }
    List<ValidationError> errors =
        ParseAndValidate.validate(
            schema,
            parsed.getDocument(),
            rule -> rule != OperationValidationRule.VARIABLE_TYPES_MATCH,
            Locale.ROOT);
    return errors.isEmpty()
        ? new PreparsedDocumentEntry(parsed.getDocument())
        : new PreparsedDocumentEntry(parsed.getDocument(), errors);
  }

  /** {@code viewer.accounts}: the caller's own account, and only if the filter names it. */
  private static Object accounts(DataFetchingEnvironment env) {
    Map<String, Object> filter = env.getArgument("filter");
    Object tag = filter == null ? null : filter.get("accountTag");
    String caller = env.getGraphQlContext().get(CALLER);
    if (tag == null) {
      return failure(env, "accounts: the filter must name an accountTag");
    }
    if (!caller.equals(tag)) {
      return failure(env, "accounts: this token may not read account " + tag);
    }
    return List.of(caller);
  }

  /** One dataset's groups for the account at hand. */
  private Object groups(Dataset dataset, DataFetchingEnvironment env) {
    try {
      String account = env.getSource();
      long limit = env.<Long>getArgument("limit");
      if (limit > MAX_LIMIT) {
        throw new QueryError("limit: at most " + MAX_LIMIT);
      }
      Filter filter = Filter.parse(env.getArgument("filter"), filterFields(dataset));
      List<Dimension> by = selectedDimensions(env);
      var order = Ordering.of(env.getArgument("orderBy"), by);
      long now = Math.floorDiv(clock.millis(), 60_000);
      Groups groups = new Groups(dataset, by, filter);
      Scope scope = filter.scope(account, now - Analytics.RETENTION.toMinutes(), now + 1);
      if (dataset == Dataset.STORAGE) {
        CarriedSizes sizes =
            new CarriedSizes(groups, by, filter, scope, now, facts.sizesBefore(scope));
        facts.read(scope, sizes);
        sizes.fill();
      } else {
        facts.read(scope, groups);
      }
      List<Map<String, Object>> rows = new ArrayList<>(groups.rows());
      rows.sort(order);
      return rows.subList(0, (int) Math.min(limit, rows.size()));
    } catch (QueryError e) {
      return failure(env, e.getMessage());
    }
  }

  private Set<String> filterFields(Dataset dataset) {
    GraphQLInputObjectType type = (GraphQLInputObjectType) schema.getType(dataset.filterType());
    return type.getFieldDefinitions().stream()
        .map(GraphQLInputObjectField::getName)
        .collect(Collectors.toSet());
  }

  /** The dimensions the query selects, each once, in the order written. */
  private static List<Dimension> selectedDimensions(DataFetchingEnvironment env) {
    List<Dimension> by = new ArrayList<>();
    for (SelectedField f : env.getSelectionSet().getFields("dimensions/*")) {
      Dimension.named(f.getName()).filter(d -> !by.contains(d)).ifPresent(by::add);
    }
    return by;
  }

  private static DataFetcherResult<Object> failure(DataFetchingEnvironment env, String message) {
    GraphQLError error = GraphqlErrorBuilder.newError(env).message(message).build();
    return DataFetcherResult.newResult().data(null).error(error).build();
  }
}
