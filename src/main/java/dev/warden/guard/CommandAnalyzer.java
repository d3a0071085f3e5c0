package dev.warden.guard;

import java.util.List;

/** SKELETON: parses shell strings and argv into the commands they run and classifies their risk. Replaced by the real implementation. */
public final class CommandAnalyzer {
    public CommandAnalysis analyze(String shellCommand) {
        throw new UnsupportedOperationException();
    }

    public CommandAnalysis analyzeArgv(List<String> argv) {
        throw new UnsupportedOperationException();
    }
}
