package dev.opend1.analytics;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Cloudflare's scalars: {@code string}, {@code uint64}, {@code float64}, {@code Date} (a UTC day)
 * and {@code Time} (an instant). In a query they read as {@link String}, {@link Long}, {@link
 * Double}, {@link LocalDate} and {@link Instant}; in an answer a {@code Time} is written to the
 * second ({@code 2024-05-01T10:00:00Z}), as Cloudflare writes it.
 */
final class Scalars {

  private Scalars() {}

  static List<GraphQLScalarType> all() {
    return List.of(
        scalar("string", "a text", Scalars::text),
        scalar("uint64", "an unsigned integer", Scalars::unsigned),
        scalar("float64", "a number", Scalars::number),
        scalar("Date", "a date, YYYY-MM-DD", Scalars::date),
        scalar("Time", "a time, ISO 8601", Scalars::time));
  }

  /** A scalar whose input, from a literal or a variable, is read by {@code read}. */
  private static GraphQLScalarType scalar(String name, String what, Function<Object, Object> read) {
    return GraphQLScalarType.newScalar()
        .name(name)
        .coercing(
            new Coercing<Object, Object>() {
              @Override
              public Object serialize(Object value, GraphQLContext context, Locale locale) {
                return switch (value) {
                  case Instant i -> i.toString();
                  case LocalDate d -> d.toString();
                  case Number n -> n;
                  case String s -> s;
                  default -> throw new CoercingSerializeException(name + ": cannot write " + value);
                };
              }

              @Override
              public Object parseValue(Object input, GraphQLContext context, Locale locale) {
                try {
                  return read.apply(input);
                } catch (IllegalArgumentException
                    | ArithmeticException
                    | DateTimeParseException e) {
                  throw new CoercingParseValueException(
                      "expected " + what + " (" + name + "), got " + input);
                }
              }

              @Override
              public Object parseLiteral(
                  Value<?> input,
                  CoercedVariables variables,
                  GraphQLContext context,
                  Locale locale) {
                Object raw =
                    switch (input) {
                      case StringValue s -> s.getValue();
                      case IntValue i -> i.getValue();
                      case FloatValue f -> f.getValue();
                      default -> input;
                    };
                try {
                  return read.apply(raw);
                } catch (IllegalArgumentException
                    | ArithmeticException
                    | DateTimeParseException e) {
                  throw new CoercingParseLiteralException(
                      "expected " + what + " (" + name + "), got " + raw);
                }
              }
            })
        .build();
  }

  private static Object text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException();
  }

  private static Object unsigned(Object v) {
    long n =
        switch (v) {
          case BigInteger b -> b.longValueExact();
          case Integer i -> i;
          case Long l -> l;
          case String s -> Long.parseLong(s);
          default -> throw new IllegalArgumentException();
        };
    if (n < 0) {
      throw new IllegalArgumentException();
    }
    return n;
  }

  private static Object number(Object v) {
    return switch (v) {
      case BigDecimal b -> b.doubleValue();
      case BigInteger b -> b.doubleValue();
      case Number n -> n.doubleValue();
      default -> throw new IllegalArgumentException();
    };
  }

  private static Object date(Object v) {
    if (v instanceof String s) {
      return LocalDate.parse(s);
    }
    throw new IllegalArgumentException();
  }

  /** An instant: {@code 2024-05-01T10:00:00Z}, with fractions of a second or an offset. */
  private static Object time(Object v) {
    if (v instanceof String s) {
      return OffsetDateTime.parse(s).toInstant();
    }
    throw new IllegalArgumentException();
  }
}
