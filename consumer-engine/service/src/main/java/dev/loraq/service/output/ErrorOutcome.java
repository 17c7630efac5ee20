package dev.loraq.service.output;

/** What becomes of a record that cannot be served: an error completion in its tenant's topic, or a dead letter. */
public sealed interface ErrorOutcome {

    String code();

    String message();

    record ErrorCompletion(String code, String message) implements ErrorOutcome {
    }

    record DeadLetter(String code, String message) implements ErrorOutcome {
    }
}
