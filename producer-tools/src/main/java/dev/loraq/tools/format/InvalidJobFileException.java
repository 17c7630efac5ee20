package dev.loraq.tools.format;

import java.util.List;
import java.util.stream.Collectors;

/** A job file with at least one bad line; holds every problem found, so all can be fixed in one go. */
public final class InvalidJobFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final transient List<LineProblem> problems;

    public InvalidJobFileException(String file, List<LineProblem> problems) {
        super(problems.size() + " problem(s) in " + file + ":" + System.lineSeparator()
                + problems.stream().map(p -> p.describe(file)).collect(Collectors.joining(System.lineSeparator())));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<LineProblem> problems() {
        return problems;
    }
}
