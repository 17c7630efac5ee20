package dev.loraq.batchapi.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.loraq.batchapi.batches.Batch;
import dev.loraq.batchapi.batches.Batches;
import dev.loraq.batchapi.config.BatchApiConfig;
import dev.loraq.batchapi.files.BatchFiles;
import dev.loraq.batchapi.files.FileId;
import dev.loraq.batchapi.files.StoredFile;
import dev.loraq.openai.http.ApiError;
import dev.loraq.openai.http.ApiJson;
import dev.loraq.openai.http.Exchanges;
import dev.loraq.openai.http.MultipartForm;
import dev.loraq.openai.http.auth.Authenticator;
import java.io.IOException;

/**
 * {@code /v1/files}: upload (multipart, purpose batch), metadata, content and delete of a tenant's input files; the
 * output and error files of its finished batches are read through the same paths.
 */
public final class FilesHandler extends TenantHandler {

    public static final String PREFIX = "/v1/files";

    private final BatchFiles files;
    private final Batches batches;
    private final int maxUploadBytes;

    public FilesHandler(Authenticator auth, BatchFiles files, Batches batches, int maxUploadBytes) {
        super(PREFIX, auth);
        this.files = files;
        this.batches = batches;
        this.maxUploadBytes = maxUploadBytes;
    }

    @Override
    protected void serve(HttpExchange exchange, String tenant, Route route) throws IOException {
        if (route.is()) {
            requireMethod(exchange, "POST");
            upload(exchange, tenant);
        } else if (route.is((String) null)) {
            String id = route.segments().getFirst();
            if (exchange.getRequestMethod().equals("DELETE")) {
                delete(exchange, tenant, id);
            } else {
                requireMethod(exchange, "GET");
                Exchanges.sendJson(exchange, 200, describe(tenant, id));
            }
        } else if (route.is(null, "content")) {
            requireMethod(exchange, "GET");
            Exchanges.sendBytes(exchange, 200, "application/octet-stream", content(tenant, route.segments().getFirst()));
        } else {
            throw notFound(exchange);
        }
    }

    private void upload(HttpExchange exchange, String tenant) throws IOException {
        byte[] body = Exchanges.readBody(exchange, maxUploadBytes, BatchApiConfig.MAX_UPLOAD_BYTES_CONFIG);
        MultipartForm form = MultipartForm.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        String purpose = form.part("purpose").map(MultipartForm.Part::text).orElseThrow(
                () -> ApiError.badRequest("purpose", "the form has no 'purpose' field"));
        MultipartForm.Part file = form.part("file").orElseThrow(() -> ApiError.badRequest("file", "the form has no 'file' part"));
        String filename = file.filename() == null || file.filename().isBlank() ? "upload.jsonl" : file.filename();
        Exchanges.sendJson(exchange, 200, json(files.upload(tenant, filename, purpose.trim(), file.data())));
    }

    private ObjectNode describe(String tenant, String id) {
        FileId.Parsed parsed = FileId.parse(id).orElseThrow(() -> BatchFiles.notFound(id));
        if (parsed.kind() == FileId.Kind.UPLOAD) {
            return json(files.find(tenant, id));
        }
        Batch batch = batches.get(tenant, parsed.batchId());
        byte[] content = batches.results(tenant, parsed.batchId(), parsed.kind() == FileId.Kind.ERRORS);
        String name = parsed.batchId() + (parsed.kind() == FileId.Kind.ERRORS ? "_errors.jsonl" : "_output.jsonl");
        return json(new StoredFile(id, tenant, name, "batch_output", content.length,
                batch.manifest().getSubmittedAt().getEpochSecond(), 0));
    }

    private byte[] content(String tenant, String id) {
        FileId.Parsed parsed = FileId.parse(id).orElseThrow(() -> BatchFiles.notFound(id));
        return parsed.kind() == FileId.Kind.UPLOAD ? files.content(tenant, id).bytes()
                : batches.results(tenant, parsed.batchId(), parsed.kind() == FileId.Kind.ERRORS);
    }

    private void delete(HttpExchange exchange, String tenant, String id) throws IOException {
        FileId.Parsed parsed = FileId.parse(id).orElseThrow(() -> BatchFiles.notFound(id));
        if (parsed.kind() != FileId.Kind.UPLOAD) {
            throw ApiError.badRequest("file_id", "file " + id + " is made from the results of batch " + parsed.batchId()
                    + " when read and cannot be deleted; it goes with the completion topic's retention");
        }
        StoredFile file = files.delete(tenant, id);
        ObjectNode deleted = ApiJson.MAPPER.createObjectNode();
        deleted.put("id", file.id());
        deleted.put("object", "file");
        deleted.put("deleted", true);
        Exchanges.sendJson(exchange, 200, deleted);
    }

    private static ObjectNode json(StoredFile file) {
        ObjectNode f = ApiJson.MAPPER.createObjectNode();
        f.put("id", file.id());
        f.put("object", "file");
        f.put("bytes", file.bytes());
        f.put("created_at", file.createdAt());
        f.put("filename", file.filename());
        f.put("purpose", file.purpose());
        f.put("status", "processed");
        f.putNull("status_details");
        return f;
    }
}
