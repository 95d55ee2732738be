package dev.opend1.engine;

import java.util.List;

/**
 * One {@code {sql, params}} of a request. Parameters are already Java values: {@code null}, {@link
 * Long}, {@link java.math.BigInteger} (integers past 64 bits are refused before this), {@link
 * Double}, {@link String} or {@code byte[]}.
 *
 * @param sql one or more statements
 * @param params positional parameters ({@code ?} and {@code ?NNN}); empty when none were sent
 */
public record QueryInput(String sql, List<Object> params) {}
