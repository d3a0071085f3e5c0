package dev.warden.policy;

import dev.warden.action.Risk;
import dev.warden.identity.Role;
import java.nio.file.Path;

/** SKELETON: the compiled, immutable policy. Replaced by the real implementation. */
public final class Policy {
    public static Policy parse(String yaml, String source) {
        throw new UnsupportedOperationException();
    }

    public static Policy load(Path file) {
        throw new UnsupportedOperationException();
    }

    public static String defaultYaml() {
        throw new UnsupportedOperationException();
    }

    public Decision decide(DecisionRequest request) {
        throw new UnsupportedOperationException();
    }

    public Risk maxRisk(Role role) {
        throw new UnsupportedOperationException();
    }
}
