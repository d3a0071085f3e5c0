package dev.warden.agent;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a short reply means when the agent asked a yes/no question or offered numbered choices.
 * Only plain agreement counts as yes: anything else (a question, a new instruction) is not consent.
 */
final class Replies {
    private static final Set<String> YES = Set.of("y", "yes", "yep", "yeah", "ok", "okay", "sure", "confirm", "confirmed",
            "go", "go ahead", "do it", "proceed", "run it", "approve", "approved", "yes please", "please do", "continue");
    private static final Set<String> NO = Set.of("n", "no", "nope", "cancel", "stop", "abort", "don't", "do not", "never mind",
            "no thanks", "decline", "skip");
    private static final Pattern TRAILING = Pattern.compile("[\\s.!,]+$");

    private Replies() {}

    static boolean yes(String reply) {
        return YES.contains(normal(reply));
    }

    static boolean no(String reply) {
        return NO.contains(normal(reply));
    }

    /** The 0-based choice a reply names: its number ({@code 2}, {@code #2}) or an option's exact text. */
    static OptionalInt choice(String reply, List<String> options) {
        var text = normal(reply).replaceFirst("^#", "");
        if (text.matches("\\d{1,3}")) {
            int n = Integer.parseInt(text);
            return n >= 1 && n <= options.size() ? OptionalInt.of(n - 1) : OptionalInt.empty();
        }
        for (int i = 0; i < options.size(); i++) {
            if (options.get(i).toLowerCase(Locale.ROOT).equals(text)) return OptionalInt.of(i);
        }
        return OptionalInt.empty();
    }

    private static String normal(String reply) {
        return TRAILING.matcher(reply.strip().toLowerCase(Locale.ROOT)).replaceAll("").replaceAll("\\s+", " ");
    }
}
