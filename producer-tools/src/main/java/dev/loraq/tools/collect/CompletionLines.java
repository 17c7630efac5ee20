package dev.loraq.tools.collect;

import dev.loraq.schemas.avro.Completion;

/** How collected completions become output lines: one JSON line per completion, successes and errors apart. */
public interface CompletionLines {

    /** The line of a completion with status OK. */
    String success(Completion completion);

    /** The line of a completion with status ERROR, for the errors file. */
    String error(Completion completion);
}
