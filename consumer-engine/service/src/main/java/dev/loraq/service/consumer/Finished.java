package dev.loraq.service.consumer;

import dev.loraq.service.inference.InferenceResult;

/** An engine outcome travelling from an engine thread to the consumer thread: a result or a failure. */
record Finished(InFlight inFlight, InferenceResult result, Throwable failure) {
}
