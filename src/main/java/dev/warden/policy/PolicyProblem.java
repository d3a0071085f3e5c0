package dev.warden.policy;

/**
 * One thing wrong with a policy file: where it is (file, 1-based line and column, and the YAML path
 * such as {@code rules[2].when}) and what is wrong, in words an operator can act on.
 */
public record PolicyProblem(String source, int line, int column, String path, String message) {

    @Override
    public String toString() {
        var where = source + ":" + line + ":" + column;
        return path == null || path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}
