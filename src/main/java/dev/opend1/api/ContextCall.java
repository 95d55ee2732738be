package dev.opend1.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A {@link QueryCall} routed by Javalin: its {@code Context}'s request and servlet response. */
record ContextCall(Context ctx) implements QueryCall {

  @Override
  public String database() {
    return ctx.pathParam("db");
  }

  @Override
  public String queryString() {
    return ctx.queryString();
  }

  @Override
  public String queryParam(String name) {
    return ctx.queryParam(name);
  }

  @Override
  public String header(String name) {
    return ctx.header(name);
  }

  @Override
  public long startBy(long otherwise) {
    Exchange x = Exchange.of(ctx);
    return x == null ? otherwise : x.startBy(otherwise);
  }

  @Override
  public long contentLength() {
    return ctx.req().getContentLengthLong();
  }

  @Override
  public InputStream body() throws IOException {
    return RequestBodies.stream(ctx);
  }

  @Override
  public void startAnswer(String bookmark, long length) {
    ctx.res().setStatus(200);
    ctx.res().setContentType("application/json");
    ctx.res().setHeader(QueryRoutes.BOOKMARK_HEADER, bookmark);
    if (length >= 0) {
      ctx.res().setContentLengthLong(length);
    }
  }

  @Override
  public OutputStream output() throws IOException {
    return ctx.res().getOutputStream();
  }

  @Override
  public void endAnswer() throws IOException {
    ctx.res().getOutputStream().flush();
  }

  @Override
  public void abort(Throwable why) {
    CutOff.cut(ctx, why);
  }
}
