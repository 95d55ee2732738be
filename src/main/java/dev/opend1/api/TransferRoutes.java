package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.catalog.DatabaseRecord;
import dev.opend1.core.D1Exception;
import dev.opend1.transfer.DumpOptions;
import dev.opend1.transfer.ExportProgress;
import dev.opend1.transfer.ImportProgress;
import dev.opend1.transfer.ImportResult;
import dev.opend1.transfer.TransferStatus;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST .../{id}/export} and {@code .../{id}/import} (D1's polling protocols), and the signed
 * URLs they hand out: {@code GET /client/v4/_transfer/exports/NAME} and {@code PUT
 * /client/v4/_transfer/uploads/NAME}, which take no token (the signature is the credential).
 */
final class TransferRoutes {

  static final String EXPORTS = "/client/v4/_transfer/exports/";
  static final String UPLOADS = "/client/v4/_transfer/uploads/";

  private final DatabaseService databases;
  private final TransferService transfers;
  private final RequestBodies bodies;

  private final Optional<String> publicUrl;

  TransferRoutes(
      DatabaseService databases,
      TransferService transfers,
      RequestBodies bodies,
      Optional<String> publicUrl) {
    this.publicUrl = publicUrl;
    this.databases = databases;
    this.transfers = transfers;
    this.bodies = bodies;
  }

  void export(Context ctx, Caller caller) {
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    ObjectNode body = bodies.readObject(ctx, false);
    String format = JsonFields.requiredString(body, "output_format");
    if (!format.equals("polling")) {
      throw JsonFields.invalid(
          "output_format", "Invalid enum value. Expected 'polling', received '" + format + "'");
    }
    DumpOptions options = dumpOptions(JsonFields.optionalObject(body, "dump_options"));
    Optional<String> poll = JsonFields.optionalString(body, "current_bookmark");
    Optional<String> at = JsonFields.optionalString(body, "at_bookmark");
    // at_bookmark starts an export of that past state (an opend1 extension); polls name it as
    // current_bookmark, like any export's.
    ExportProgress p =
        at.isPresent() && poll.isEmpty()
            ? transfers.exportAsOf(db.id(), options, at.get())
            : transfers.export(db.id(), options, poll);
    ObjectNode r = Json.MAPPER.createObjectNode();
    r.put("success", p.status() != TransferStatus.ERROR);
    r.put("type", "export");
    r.put("at_bookmark", p.atBookmark());
    r.put("status", p.status().wireName());
    r.set("messages", Json.MAPPER.valueToTree(p.messages()));
    if (p.status() == TransferStatus.ERROR) {
      r.put("error", p.error());
    }
    if (p.status() == TransferStatus.COMPLETE) {
      ObjectNode result = r.putObject("result");
      result.put("filename", p.filename());
      result.put(
          "signed_url",
          base(ctx) + EXPORTS + p.filename() + "?" + transfers.signedQuery("GET", p.filename()));
    }
    Envelope.ok(ctx, r);
    if (p.status() == TransferStatus.ACTIVE) {
      ctx.status(202);
    }
  }

  private static DumpOptions dumpOptions(Optional<ObjectNode> node) {
    if (node.isEmpty()) {
      return DumpOptions.ALL;
    }
    ObjectNode o = node.get();
    List<String> tables = new ArrayList<>();
    JsonNode t = o.get("tables");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw JsonFields.invalid(
            "dump_options.tables", "Expected array, received " + JsonFields.describe(t));
      }
      for (JsonNode n : t) {
        if (!n.isTextual()) {
          throw JsonFields.invalid("dump_options.tables", "Expected strings");
        }
        tables.add(n.textValue());
      }
    }
    return new DumpOptions(flag(o, "no_data"), flag(o, "no_schema"), List.copyOf(tables));
  }

  private static boolean flag(ObjectNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw JsonFields.invalid(
          "dump_options." + name, "Expected boolean, received " + JsonFields.describe(v));
    }
    return v.booleanValue();
  }

  void importing(Context ctx, Caller caller) {
    caller.requireEdit("import into databases");
    DatabaseRecord db = databases.resolve(caller.account(), ctx.pathParam("db"));
    ObjectNode body = bodies.readObject(ctx, false);
    String action = JsonFields.requiredString(body, "action");
    ImportProgress s =
        switch (action) {
          case "init" -> transfers.init(db.id(), JsonFields.requiredString(body, "etag"));
          case "ingest" ->
              transfers.ingest(
                  db.id(),
                  JsonFields.requiredString(body, "etag"),
                  JsonFields.requiredString(body, "filename"));
          case "poll" -> {
            String bookmark = JsonFields.requiredString(body, "current_bookmark");
            yield transfers.poll(db.id(), bookmark).orElse(null);
          }
          default ->
              throw JsonFields.invalid(
                  "action",
                  "Invalid enum value. Expected 'init' | 'ingest' | 'poll', received '"
                      + action
                      + "'");
        };
    ObjectNode r = Json.MAPPER.createObjectNode();
    if (s == null) {
      r.put("success", false);
      r.put("error", "Not currently importing anything.");
      Envelope.ok(ctx, r);
      return;
    }
    r.put("success", s.status() != TransferStatus.ERROR);
    r.put("type", "import");
    if (s.needsUpload()) {
      r.put("filename", s.filename());
      r.put(
          "upload_url",
          base(ctx) + UPLOADS + s.filename() + "?" + transfers.signedQuery("PUT", s.filename()));
      Envelope.ok(ctx, r);
      return;
    }
    r.put("status", s.status().wireName());
    r.put("at_bookmark", s.atBookmark());
    r.put("filename", s.filename());
    r.set("messages", Json.MAPPER.valueToTree(s.messages()));
    if (s.status() == TransferStatus.ERROR) {
      r.put("error", s.error());
      r.putArray("errors").add(s.error());
    }
    if (s.status() == TransferStatus.COMPLETE) {
      ImportResult done = s.result();
      ObjectNode result = r.putObject("result");
      result.put("num_queries", done.numQueries());
      result.put("final_bookmark", done.finalBookmark());
      ObjectNode meta = result.putObject("meta");
      meta.put("duration", done.durationMs());
      meta.put("changes", done.changes());
      meta.put("rows_read", 0);
      meta.put("rows_written", done.changes());
      meta.put("size_after", done.sizeAfter());
      meta.put("changed_db", done.changes() > 0);
    }
    Envelope.ok(ctx, r);
    if (s.status() == TransferStatus.ACTIVE) {
      ctx.status(202);
    }
  }

  /** {@code PUT} of an import's file to its signed URL. */
  void upload(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    String md5;
    try {
      md5 =
          transfers.receive(
              name,
              ctx.queryParam("expires"),
              ctx.queryParam("signature"),
              ctx.req().getContentLengthLong(),
              ctx.req().getInputStream());
    } catch (java.io.IOException e) {
      if (D1Exception.DiskFull.causedBy(e)) {
        throw new D1Exception.DiskFull("the upload was not stored");
      }
      throw e;
    }
    ctx.header("ETag", "\"" + md5 + "\"");
    Envelope.ok(ctx, null);
  }

  /**
   * {@code GET} of an export's file from its signed URL. It says it is an attachment with its name,
   * so a browser sent to the URL (the console's export, from any origin) saves it to disk.
   */
  void download(Context ctx) throws Exception {
    String name = ctx.pathParam("name");
    boolean ok =
        transfers.download(
            name,
            ctx.queryParam("expires"),
            ctx.queryParam("signature"),
            length -> {
              ctx.status(200);
              ctx.contentType("application/sql");
              ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
              ctx.res().setContentLengthLong(length);
              return ctx.res().getOutputStream();
            });
    if (!ok) {
      throw new D1Exception.AccountNotAuthorized();
    }
  }

  /**
   * The configured public URL, or the address the client used: for a request forwarded from another
   * node, the one it used there ({@link ForwardingRoutes#ORIGIN}), which forwards the signed URL's
   * requests here in turn.
   */
  private String base(Context ctx) {
    return publicUrl.orElseGet(
        () ->
            ctx.attribute(ForwardingRoutes.ORIGIN) instanceof String origin
                ? origin
                : ctx.scheme() + "://" + ctx.host());
  }
}
