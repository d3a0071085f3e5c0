package dev.warden.actions.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.action.ActionContext;
import dev.warden.action.ChangeJournal;
import dev.warden.action.Risk;
import dev.warden.guard.CommandAnalyzer;
import dev.warden.guard.PathJail;
import dev.warden.json.Json;
import dev.warden.sandbox.ProcessLimits;
import dev.warden.sandbox.ProcessRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shell.exec wired to the real {@link CommandAnalyzer}. These claims hold for any sensible
 * analyzer; they are skipped while the analyzer is still a skeleton that throws.
 */
class ShellExecWithCommandAnalyzerTest {
    @TempDir
    Path root;
    private ShellExecAction action;
    private final ActionContext ctx = new ActionContext() {
        @Override
        public ChangeJournal journal() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant deadline() {
            return Instant.now().plusSeconds(60);
        }
    };

    @BeforeEach
    void setUp() {
        var analyzer = new CommandAnalyzer();
        try {
            analyzer.analyzeArgv(List.of("ls"));
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "CommandAnalyzer is not implemented yet");
        }
        action = new ShellExecAction(new PathJail(List.of(root)), new ProcessRunner(ProcessLimits.defaults()), analyzer);
    }

    @Test
    void recursiveRemovalOfTheRootIsAtLeastHighRiskWithAReason() {
        var assessment = action.assess(ctx, Json.parse("{\"command\": \"rm -rf /\"}"));

        assertThat(assessment.risk().atLeast(Risk.HIGH)).isTrue();
        assertThat(assessment.reasons()).isNotEmpty();
    }

    @Test
    void listingADirectoryIsAtMostLowRisk() {
        var assessment = action.assess(ctx, Json.parse("{\"argv\": [\"ls\", \"-l\"]}"));

        assertThat(assessment.risk().atLeast(Risk.MEDIUM)).isFalse();
    }

    @Test
    void theRiskOfAPipelineIsThatOfItsRiskiestPart() {
        var assessment = action.assess(ctx, Json.parse("{\"command\": \"ls | xargs rm -rf\"}"));

        assertThat(assessment.risk().atLeast(Risk.HIGH)).isTrue();
    }
}
