package dev.warden.cli;

import dev.warden.audit.AuditExporter;
import dev.warden.audit.AuditVerifier;
import dev.warden.audit.VerifyReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify or export the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute the hash chain. Exit 0 when intact; 1 naming the first record edited, deleted or reordered.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var db = data.openDatabase()) {
                var report = new AuditVerifier().verify(db);
                switch (report) {
                    case VerifyReport.Intact intact -> {
                        spec.commandLine().getOut().println("ok: " + report.message());
                        return 0;
                    }
                    case VerifyReport.Broken broken -> {
                        spec.commandLine().getErr().println("BROKEN: " + report.message());
                        return 1;
                    }
                }
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the audit trail as JSON lines.")
    static final class Export implements Callable<Integer> {
        @Mixin
        DataDirOptions data;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path out;

        @Option(names = "--from", paramLabel = "SEQ", defaultValue = "1", description = "First sequence number (default 1).")
        long from;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (var db = data.openDatabase(); var writer = open()) {
                long lines = new AuditExporter(db).export(writer, from);
                writer.flush();
                if (out != null) spec.commandLine().getErr().println("wrote " + lines + " records to " + out);
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Writer open() throws IOException {
            // Standard output belongs to the caller: flush it, never close it.
            if (out == null) return new BufferedWriter(spec.commandLine().getOut()) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        }
    }
}
