package dev.warden.guard;

import dev.warden.guard.ShellScript.Word;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Word-level shell rules: building a word from its pieces, brace expansion, {@code $'...'} decoding, assignments. */
final class ShellWords {
    /** Beyond this many words from one brace expression the word is left unexpanded and reported. */
    static final int MAX_BRACE_WORDS = 256;

    private ShellWords() {}

    /** {@code NAME=value}, {@code NAME+=value} or {@code NAME[i]=value}. */
    static boolean isAssignment(Word word) {
        var text = word.text();
        int eq = text.indexOf('=');
        if (eq <= 0) return false;
        int end = eq;
        if (text.charAt(end - 1) == '+') end--;
        int bracket = text.indexOf('[');
        if (bracket > 0 && bracket < end && text.charAt(end - 1) == ']') end = bracket;
        return isName(text, 0, end);
    }

    static boolean isName(String text, int from, int to) {
        if (to <= from) return false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > from && c >= '0' && c <= '9';
            if (!ok) return false;
        }
        return true;
    }

    /** Index of the quote closing a {@code $'...'} that starts at {@code from}, or the length if none. */
    static int ansiCEnd(String src, int from) {
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '\'') {
                return i;
            } else {
                i++;
            }
        }
        return src.length();
    }

    static String decodeAnsiC(String s) {
        var out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c != '\\' || i >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'e', 'E' -> out.append('\u001b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'c' -> {
                    if (i < s.length()) out.append((char) (s.charAt(i++) & 0x1f));
                }
                case 'x', 'u', 'U' -> {
                    int max = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    int start = i;
                    while (i < s.length() && i - start < max && Character.digit(s.charAt(i), 16) >= 0) i++;
                    if (i == start) {
                        out.append('\\').append(e);
                    } else {
                        int cp = (int) Math.min(Long.parseLong(s.substring(start, i), 16), Character.MAX_CODE_POINT);
                        out.appendCodePoint(cp);
                    }
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        for (int n = 0; n < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; n++) {
                            value = value * 8 + (s.charAt(i++) - '0');
                        }
                        out.append((char) (value & 0xff));
                    } else if (e == '\\' || e == '\'' || e == '"' || e == '?') {
                        out.append(e);
                    } else {
                        out.append('\\').append(e);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Accumulates one word while the parser reads it. */
    static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder stripped = new StringBuilder();
        private final BitSet active = new BitSet();
        private final List<ShellScript> substitutions = new ArrayList<>();
        private List<int[]> splits;
        private boolean dynamic;
        private boolean quoted;

        /** {@code active} when the characters were unquoted, so braces and globs in them still expand. */
        void literal(String s, boolean isActive) {
            if (isActive) active.set(text.length(), text.length() + s.length());
            text.append(s);
            stripped.append(s);
        }

        void markQuoted() {
            quoted = true;
        }

        void expansion(String written, List<ShellScript> inner) {
            text.append(written);
            dynamic = true;
            substitutions.addAll(inner);
        }

        void substitution(String written, ShellScript script) {
            text.append(written);
            dynamic = true;
            substitutions.add(script);
        }

        /** An unquoted {@code $IFS}: with the default IFS it separates words. */
        void split() {
            if (splits == null) splits = new ArrayList<>();
            splits.add(new int[] {text.length(), stripped.length()});
        }

        void merge(Word word) {
            text.append(word.text());
            stripped.append(word.stripped());
            dynamic |= word.dynamic();
            quoted |= word.quoted();
            substitutions.addAll(word.substitutions());
        }

        boolean isAssignmentPrefix() {
            int n = text.length();
            return n > 1 && text.charAt(n - 1) == '=' && active.get(n - 1)
                    && isAssignment(new Word(text.toString(), "", false, false, List.of()));
        }

        List<ShellScript> substitutions() {
            return substitutions;
        }

        Word buildOne() {
            return new Word(text.toString(), stripped.toString(), dynamic, quoted, substitutions);
        }

        List<Word> build(List<String> problems) {
            if (text.isEmpty() && !quoted && !dynamic && splits == null) return List.of();
            var pieces = new ArrayList<String[]>();
            var masks = new ArrayList<BitSet>();
            int from = 0;
            int strippedFrom = 0;
            if (splits != null) {
                for (var at : splits) {
                    if (at[0] > from) {
                        pieces.add(new String[] {text.substring(from, at[0]), stripped.substring(strippedFrom, at[1])});
                        masks.add(active.get(from, at[0]));
                    }
                    from = at[0];
                    strippedFrom = at[1];
                }
            }
            if (from < text.length() || pieces.isEmpty()) {
                pieces.add(new String[] {text.substring(from), stripped.substring(strippedFrom)});
                masks.add(active.get(from, text.length()));
            }
            var words = new ArrayList<Word>();
            for (int p = 0; p < pieces.size(); p++) {
                var expanded = new ArrayList<String>();
                if (!expandBraces(pieces.get(p)[0], masks.get(p), expanded)) {
                    problems.add("brace expansion of " + pieces.get(p)[0] + " is too large to analyse");
                    expanded.clear();
                    expanded.add(pieces.get(p)[0]);
                }
                for (var e : expanded) {
                    var strippedText = expanded.size() == 1 ? pieces.get(p)[1] : e;
                    var subs = words.isEmpty() ? substitutions : List.<ShellScript>of();
                    words.add(new Word(e, strippedText, dynamic, quoted, subs));
                }
            }
            return words;
        }
    }

    /**
     * Bash brace expansion ({@code {a,b}}, {@code {1..3}}, {@code {a..c}}) on the unquoted braces of
     * {@code text}. Returns false when the result would exceed {@link #MAX_BRACE_WORDS}.
     */
    static boolean expandBraces(String text, BitSet active, List<String> out) {
        var work = new ArrayList<String>();
        var workMasks = new ArrayList<BitSet>();
        work.add(text);
        workMasks.add(active);
        while (!work.isEmpty()) {
            var current = work.removeLast();
            var mask = workMasks.removeLast();
            var alternatives = new ArrayList<String>();
            var altMasks = new ArrayList<BitSet>();
            if (!expandFirst(current, mask, alternatives, altMasks)) {
                out.add(current);
            } else {
                for (int i = alternatives.size() - 1; i >= 0; i--) {
                    work.add(alternatives.get(i));
                    workMasks.add(altMasks.get(i));
                }
            }
            if (out.size() + work.size() > MAX_BRACE_WORDS) return false;
        }
        return true;
    }

    /** Expands the first expandable brace pair; false when there is none. */
    private static boolean expandFirst(String s, BitSet active, List<String> out, List<BitSet> outMasks) {
        for (int open = 0; open < s.length(); open++) {
            if (s.charAt(open) != '{' || !active.get(open) || open > 0 && s.charAt(open - 1) == '$') continue;
            int depth = 0;
            var commas = new ArrayList<Integer>();
            int close = -1;
            for (int i = open + 1; i < s.length() && close < 0; i++) {
                if (!active.get(i)) continue;
                char c = s.charAt(i);
                if (c == '{') depth++;
                if (c == '}' && depth-- == 0) close = i;
                if (c == ',' && depth == 0) commas.add(i);
            }
            if (close < 0) continue;
            var prefix = s.substring(0, open);
            var suffix = s.substring(close + 1);
            if (commas.isEmpty()) {
                var range = sequence(s.substring(open + 1, close));
                if (range == null) continue;
                for (var item : range) {
                    out.add(prefix + item + suffix);
                    var m = new BitSet();
                    copyBits(active, 0, open, m, 0);
                    copyBits(active, close + 1, s.length(), m, open + item.length());
                    outMasks.add(m);
                }
                return true;
            }
            int start = open + 1;
            commas.add(close);
            for (int comma : commas) {
                var alt = s.substring(start, comma);
                out.add(prefix + alt + suffix);
                var m = new BitSet();
                copyBits(active, 0, open, m, 0);
                copyBits(active, start, comma, m, open);
                copyBits(active, close + 1, s.length(), m, open + alt.length());
                outMasks.add(m);
                start = comma + 1;
            }
            return true;
        }
        return false;
    }

    private static List<String> sequence(String body) {
        int dots = body.indexOf("..");
        if (dots <= 0 || dots + 2 >= body.length() || body.indexOf("..", dots + 2) >= 0) return null;
        var a = body.substring(0, dots);
        var b = body.substring(dots + 2);
        var items = new ArrayList<String>();
        if (a.length() == 1 && b.length() == 1 && Character.isLetter(a.charAt(0)) && Character.isLetter(b.charAt(0))) {
            int step = a.charAt(0) <= b.charAt(0) ? 1 : -1;
            for (char c = a.charAt(0); ; c += (char) step) {
                items.add(String.valueOf(c));
                if (c == b.charAt(0) || items.size() > MAX_BRACE_WORDS) break;
            }
            return items;
        }
        try {
            long x = Long.parseLong(a);
            long y = Long.parseLong(b);
            if (Math.abs(y - x) > MAX_BRACE_WORDS) return List.of(a, b);
            long step = x <= y ? 1 : -1;
            for (long v = x; ; v += step) {
                items.add(Long.toString(v));
                if (v == y) break;
            }
            return items;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void copyBits(BitSet from, int start, int end, BitSet to, int at) {
        for (int i = from.nextSetBit(start); i >= 0 && i < end; i = from.nextSetBit(i + 1)) to.set(at + i - start);
    }
}
