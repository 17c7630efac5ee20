package dev.loraq.tools.format;

/** What is wrong with one line of a job file; lines count from 1. */
public record LineProblem(int line, String message) {

    /** {@code FILE:LINE: message}, the form compilers use, so editors can jump to it. */
    public String describe(String file) {
        return file + ":" + line + ": " + message;
    }
}
