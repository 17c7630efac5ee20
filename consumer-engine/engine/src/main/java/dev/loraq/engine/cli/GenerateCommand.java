package dev.loraq.engine.cli;

import dev.loraq.engine.Engine;
import dev.loraq.engine.generation.GenerationRequest;
import dev.loraq.engine.generation.GenerationResult;
import dev.loraq.engine.text.ChatMessage;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** Generates one completion and prints its text, then its figures on stderr. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates text for one prompt or chat with the base model or an adapter.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--adapter", description = "Adapter id; none = base model.")
    String adapter;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", description = "Raw prompt text.")
        String prompt;

        @Option(names = "--message", description = "Chat message as role=content (repeatable), rendered with the model's chat template.")
        List<String> messages;
    }

    @Override
    public Integer call() throws Exception {
        GenerationRequest request;
        if (input.prompt != null) {
            request = GenerationRequest.ofPrompt("cli-1", adapter, input.prompt, sampling.toParams());
        } else {
            List<ChatMessage> chat = new ArrayList<>();
            for (String m : input.messages) {
                int eq = m.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--message must be role=content, got '" + m + "'");
                }
                chat.add(new ChatMessage(m.substring(0, eq), m.substring(eq + 1)));
            }
            request = GenerationRequest.ofMessages("cli-1", adapter, chat, sampling.toParams());
        }
        try (Engine e = Engine.open(engine.toConfig())) {
            long start = System.nanoTime();
            GenerationResult r;
            try {
                r = e.submit(request).get();
            } catch (ExecutionException ex) {
                System.err.println("error: " + ex.getCause().getMessage());
                return 2;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.println(r.text());
            System.err.printf("finish=%s prompt_tokens=%d completion_tokens=%d adapter_load=%s(%d ms) "
                            + "queue_ms=%d total_s=%.2f tok_per_s=%.1f%n", r.finishReason(), r.promptTokens(),
                    r.completionTokens(), r.adapterLoad(), r.adapterLoadMs(), r.queueWaitMs(), seconds,
                    r.completionTokens() / seconds);
            return 0;
        }
    }
}
