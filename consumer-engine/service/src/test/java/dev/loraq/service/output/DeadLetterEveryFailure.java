package dev.loraq.service.output;

import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.service.config.ServiceConfig;
import java.util.Map;
import org.apache.kafka.common.Configurable;

/** A record error handler chosen by configuration in the tests: every failed request becomes a dead letter naming the worker. */
public final class DeadLetterEveryFailure implements RecordErrorHandler, Configurable {

    public static final String CODE = "request_failed";

    private String workerId = "(not configured)";

    @Override
    public void configure(Map<String, ?> configs) {
        workerId = String.valueOf(configs.get(ServiceConfig.WORKER_ID_CONFIG));
    }

    @Override
    public ErrorOutcome onFailure(PromptRequest request, Throwable failure) {
        return new ErrorOutcome.DeadLetter(CODE, "worker " + workerId + " set request " + request.getRequestId() + " aside: " + failure);
    }
}
