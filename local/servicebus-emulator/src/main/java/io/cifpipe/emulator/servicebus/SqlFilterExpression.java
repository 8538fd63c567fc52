package io.cifpipe.emulator.servicebus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed Service Bus SQL filter (the SQL-92 subset of "Subscription Rule SQL Filter Syntax" on learn.microsoft.com):
 * {@code NOT}/{@code AND}/{@code OR}, {@code = <> != > >= < <=}, {@code [NOT] IN (…)}, {@code [NOT] LIKE p [ESCAPE c]},
 * {@code IS [NOT] NULL}, {@code EXISTS(p)}, arithmetic {@code + - * / %}, unary {@code + -}, {@code newid()}, string,
 * integer (long), decimal (double), {@code TRUE}/{@code FALSE}/{@code NULL} constants, and properties
 * {@code [sys.|user.]name} or {@code [delimited name]}.
 *
 * <p>Hand-written on purpose: no library on Maven Central implements Azure's dialect (JMS selectors differ in scopes,
 * {@code EXISTS} and {@code !=}). Evaluation uses SQL three-valued logic: a missing user property is "unknown", any
 * comparison with unknown or NULL is unknown, and a rule matches only when its filter is TRUE. A system property that
 * does not exist is a parse error, as Service Bus rejects it when the rule is created.
 */
final class SqlFilterExpression {

    /** Thrown for a filter the service would refuse; the message names the position. */
    static final class SqlSyntaxException extends IllegalArgumentException {
        SqlSyntaxException(String message) {
            super(message);
        }
    }

    /** What the filter reads from a message. */
    interface Properties {
        /** Sentinel for a property that is not set at all (different from a property whose value is null). */
        Object MISSING = new Object() {
            @Override
            public String toString() {
                return "MISSING";
            }
        };

        /** A system property by canonical name ({@link FilterMessage#SYSTEM_PROPERTIES}), or MISSING. */
        Object system(String canonicalName);

        /** An application property by name, or MISSING. */
        Object user(String name);
    }

    private final String text;
    private final Node root;

    private SqlFilterExpression(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** Parses a filter; throws {@link SqlSyntaxException} for anything Service Bus would refuse. */
    static SqlFilterExpression parse(String text) {
        Objects.requireNonNull(text, "expression");
        if (text.isBlank()) {
            throw new SqlSyntaxException("The SQL filter expression is empty.");
        }
        if (text.length() > 1024) {
            // Service Bus limits SQL filter expressions to 1024 characters.
            throw new SqlSyntaxException("The SQL filter expression is longer than 1024 characters.");
        }
        Parser p = new Parser(text);
        Node node = p.predicate();
        p.expectEnd();
        if (!(node instanceof Predicate)) {
            throw new SqlSyntaxException(
                    "The SQL filter must be a condition (e.g. a comparison), not a value: '" + text + "'.");
        }
        return new SqlFilterExpression(text, node);
    }

    String text() {
        return text;
    }

    /** True only when the condition evaluates to TRUE (unknown and FALSE do not match). */
    boolean matches(Properties message) {
        return Boolean.TRUE.equals(root.eval(message));
    }

    @Override
    public String toString() {
        return text;
    }

    /** Two filters are equal when their text is (as Service Bus compares SqlFilter). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SqlFilterExpression other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    // ------------------------------------------------------------------ values

    /** Normalises AMQP/Java values to the filter's types: String, Long, Double, Boolean, null, or MISSING. */
    static Object normalise(Object v) {
        if (v == Properties.MISSING
                || v == null
                || v instanceof String
                || v instanceof Long
                || v instanceof Double
                || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof org.apache.qpid.proton.amqp.UnsignedInteger u) {
            return u.longValue();
        }
        if (v instanceof org.apache.qpid.proton.amqp.UnsignedShort u) {
            return u.longValue();
        }
        if (v instanceof org.apache.qpid.proton.amqp.UnsignedByte u) {
            return u.longValue();
        }
        if (v instanceof org.apache.qpid.proton.amqp.UnsignedLong u) {
            return u.longValue();
        }
        if (v instanceof Character || v instanceof org.apache.qpid.proton.amqp.Symbol || v instanceof java.util.UUID) {
            return v.toString();
        }
        // Timestamps, binaries, maps, lists: not comparable in a filter; treated as unknown.
        return Properties.MISSING;
    }

    private static boolean isUnknown(Object v) {
        return v == null || v == Properties.MISSING;
    }

    // ------------------------------------------------------------------ syntax tree

    private interface Node {
        /** A value (String/Long/Double/Boolean/null/MISSING); predicates return Boolean or null (unknown). */
        Object eval(Properties m);
    }

    /** Marker for nodes that are conditions. */
    private interface Predicate extends Node {}

    private record Constant(Object value) implements Node {
        @Override
        public Object eval(Properties m) {
            return value;
        }
    }

    private record BoolConstant(Boolean value) implements Predicate {
        @Override
        public Object eval(Properties m) {
            return value;
        }
    }

    private record Property(boolean system, String name) implements Node {
        @Override
        public Object eval(Properties m) {
            return normalise(system ? m.system(name) : m.user(name));
        }
    }

    private record NewId() implements Node {
        @Override
        public Object eval(Properties m) {
            return java.util.UUID.randomUUID().toString();
        }
    }

    private record Not(Node inner) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Boolean v = truth(inner.eval(m));
            return v == null ? null : !v;
        }
    }

    /** AND / OR in three-valued logic: the dominant value (FALSE for AND, TRUE for OR) wins over unknown. */
    private record Junction(boolean and, Node left, Node right) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Boolean dominant = !and;
            Boolean l = truth(left.eval(m));
            if (dominant.equals(l)) {
                return dominant;
            }
            Boolean r = truth(right.eval(m));
            if (dominant.equals(r)) {
                return dominant;
            }
            return l == null || r == null ? null : !dominant;
        }
    }

    private record Compare(String op, Node left, Node right) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Object l = left.eval(m);
            Object r = right.eval(m);
            if (isUnknown(l) || isUnknown(r)) {
                return null;
            }
            Integer c = compare(l, r);
            if (c == null) {
                // Different types (e.g. string and number) or an ordering of booleans: unknown, never a match.
                return null;
            }
            return switch (op) {
                case "=" -> c == 0;
                case "<>" -> c != 0;
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                default -> throw new IllegalStateException(op);
            };
        }

        private Integer compare(Object l, Object r) {
            if (l instanceof Number a && r instanceof Number b) {
                if (a instanceof Long x && b instanceof Long y) {
                    return Long.compare(x, y);
                }
                return Double.compare(a.doubleValue(), b.doubleValue());
            }
            if (l instanceof String a && r instanceof String b) {
                return a.compareTo(b);
            }
            if (l instanceof Boolean a && r instanceof Boolean b && (op.equals("=") || op.equals("<>"))) {
                return a.equals(b) ? 0 : 1;
            }
            return null;
        }
    }

    private record In(Node value, List<Node> candidates, boolean negated) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Object v = value.eval(m);
            if (isUnknown(v)) {
                return null;
            }
            boolean unknownSeen = false;
            for (Node candidate : candidates) {
                Object c = candidate.eval(m);
                if (isUnknown(c)) {
                    unknownSeen = true;
                    continue;
                }
                Object eq = new Compare("=", new Constant(v), new Constant(c)).eval(m);
                if (Boolean.TRUE.equals(eq)) {
                    return !negated;
                }
            }
            return unknownSeen ? null : negated;
        }
    }

    private record Like(Node value, Node pattern, Node escape, boolean negated) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Object v = value.eval(m);
            Object p = pattern.eval(m);
            if (!(v instanceof String s) || !(p instanceof String ps)) {
                return null;
            }
            Character esc = null;
            if (escape != null) {
                Object e = escape.eval(m);
                if (!(e instanceof String es) || es.length() != 1) {
                    return null;
                }
                esc = es.charAt(0);
            }
            boolean match = likeToRegex(ps, esc).matcher(s).matches();
            return negated != match;
        }
    }

    private record IsNull(Node property, boolean negated) implements Predicate {
        @Override
        public Object eval(Properties m) {
            boolean isNull = isUnknown(property.eval(m));
            return negated != isNull;
        }
    }

    private record Exists(Property property) implements Predicate {
        @Override
        public Object eval(Properties m) {
            Object raw = property.system() ? m.system(property.name()) : m.user(property.name());
            return raw != Properties.MISSING;
        }
    }

    private record Arithmetic(char op, Node left, Node right) implements Node {
        @Override
        public Object eval(Properties m) {
            Object l = left.eval(m);
            Object r = right.eval(m);
            if (!(l instanceof Number a)
                    || !(r instanceof Number b)
                    || (op == '/' || op == '%') && b.doubleValue() == 0) {
                return Properties.MISSING; // non-numbers and division by zero are unknown
            }
            if (a instanceof Long x && b instanceof Long y) {
                return switch (op) {
                    case '+' -> x + y;
                    case '-' -> x - y;
                    case '*' -> x * y;
                    case '/' -> x / y;
                    default -> x % y;
                };
            }
            double x = a.doubleValue();
            double y = b.doubleValue();
            return op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : op == '/' ? x / y : x % y;
        }
    }

    private record Negate(Node inner) implements Node {
        @Override
        public Object eval(Properties m) {
            Object v = inner.eval(m);
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            return Properties.MISSING;
        }
    }

    private static Boolean truth(Object v) {
        return v instanceof Boolean b ? b : null;
    }

    static Pattern likeToRegex(String pattern, Character escape) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escape != null && c == escape && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    // ------------------------------------------------------------------ parser

    private enum Kind {
        IDENT,
        DELIMITED,
        STRING,
        INTEGER,
        DECIMAL,
        OP,
        END
    }

    private record Token(Kind kind, String text, int position) {
        boolean keyword(String word) {
            return kind == Kind.IDENT && text.equalsIgnoreCase(word);
        }

        boolean op(String symbol) {
            return kind == Kind.OP && text.equals(symbol);
        }
    }

    private static final class Parser {
        private final String source;
        private final List<Token> tokens;
        private int index;

        Parser(String source) {
            this.source = source;
            this.tokens = tokenize(source);
        }

        Token peek() {
            return tokens.get(index);
        }

        Token next() {
            return tokens.get(index++);
        }

        void expectEnd() {
            if (peek().kind() != Kind.END) {
                throw error("unexpected '" + peek().text() + "'");
            }
        }

        SqlSyntaxException error(String what) {
            return new SqlSyntaxException(
                    "SQL filter syntax error at position " + peek().position() + ": " + what + " in '" + source + "'.");
        }

        void expectOp(String symbol) {
            if (!peek().op(symbol)) {
                throw error("expected '" + symbol + "'");
            }
            index++;
        }

        Node predicate() {
            Node left = andTerm();
            while (peek().keyword("OR")) {
                index++;
                left = new Junction(false, requirePredicate(left), requirePredicate(andTerm()));
            }
            return left;
        }

        Node andTerm() {
            Node left = notTerm();
            while (peek().keyword("AND")) {
                index++;
                left = new Junction(true, requirePredicate(left), requirePredicate(notTerm()));
            }
            return left;
        }

        Node notTerm() {
            if (peek().keyword("NOT")) {
                index++;
                return new Not(requirePredicate(notTerm()));
            }
            return condition();
        }

        Node requirePredicate(Node node) {
            if (!(node instanceof Predicate)) {
                throw error("a condition is needed here, not a value");
            }
            return node;
        }

        Node condition() {
            if (peek().keyword("EXISTS")) {
                index++;
                expectOp("(");
                Node p = primary();
                if (!(p instanceof Property property)) {
                    throw error("EXISTS needs a property name");
                }
                expectOp(")");
                return new Exists(property);
            }
            Node left = additive();
            Token t = peek();
            if (t.kind() == Kind.OP
                    && List.of("=", "<>", "!=", ">", ">=", "<", "<=").contains(t.text())) {
                index++;
                String op = t.text().equals("!=") ? "<>" : t.text();
                return new Compare(op, requireValue(left), requireValue(additive()));
            }
            if (t.keyword("IS")) {
                index++;
                boolean negated = false;
                if (peek().keyword("NOT")) {
                    index++;
                    negated = true;
                }
                if (!peek().keyword("NULL")) {
                    throw error("expected NULL after IS");
                }
                index++;
                if (!(left instanceof Property)) {
                    throw error("IS NULL needs a property");
                }
                return new IsNull(left, negated);
            }
            boolean negated = false;
            if (t.keyword("NOT")
                    && (tokens.get(index + 1).keyword("IN")
                            || tokens.get(index + 1).keyword("LIKE"))) {
                index++;
                negated = true;
                t = peek();
            }
            if (t.keyword("IN")) {
                index++;
                expectOp("(");
                List<Node> items = new ArrayList<>();
                items.add(requireValue(additive()));
                while (peek().op(",")) {
                    index++;
                    items.add(requireValue(additive()));
                }
                expectOp(")");
                return new In(requireValue(left), List.copyOf(items), negated);
            }
            if (t.keyword("LIKE")) {
                index++;
                Node pattern = requireValue(additive());
                Node escape = null;
                if (peek().keyword("ESCAPE")) {
                    index++;
                    escape = requireValue(additive());
                }
                return new Like(requireValue(left), pattern, escape, negated);
            }
            if (negated) {
                throw error("expected IN or LIKE after NOT");
            }
            return left;
        }

        Node requireValue(Node node) {
            if (node instanceof Predicate && !(node instanceof BoolConstant)) {
                throw error("a value is needed here, not a condition");
            }
            return node;
        }

        Node additive() {
            Node left = multiplicative();
            while (peek().op("+") || peek().op("-")) {
                char op = next().text().charAt(0);
                left = new Arithmetic(op, requireValue(left), requireValue(multiplicative()));
            }
            return left;
        }

        Node multiplicative() {
            Node left = unary();
            while (peek().op("*") || peek().op("/") || peek().op("%")) {
                char op = next().text().charAt(0);
                left = new Arithmetic(op, requireValue(left), requireValue(unary()));
            }
            return left;
        }

        Node unary() {
            if (peek().op("-")) {
                index++;
                if (peek().kind() == Kind.INTEGER && peek().text().equals("9223372036854775808")) {
                    index++; // Long.MIN_VALUE has no positive literal
                    return new Constant(Long.MIN_VALUE);
                }
                return new Negate(requireValue(unary()));
            }
            if (peek().op("+")) {
                index++;
                return requireValue(unary());
            }
            return primary();
        }

        Node primary() {
            Token t = next();
            switch (t.kind()) {
                case STRING:
                    return new Constant(t.text());
                case INTEGER:
                    try {
                        return new Constant(Long.parseLong(t.text()));
                    } catch (NumberFormatException e) {
                        index--;
                        throw error("integer constant out of range");
                    }
                case DECIMAL:
                    return new Constant(Double.parseDouble(t.text()));
                case DELIMITED:
                    return new Property(false, t.text());
                case IDENT:
                    return identifier(t);
                case OP:
                    if (t.text().equals("(")) {
                        Node inner = predicate();
                        expectOp(")");
                        return inner;
                    }
                    index--;
                    throw error("unexpected '" + t.text() + "'");
                default:
                    index--;
                    throw error("unexpected end of expression");
            }
        }

        Node identifier(Token t) {
            String word = t.text();
            if (word.equalsIgnoreCase("TRUE")) {
                return new BoolConstant(true);
            }
            if (word.equalsIgnoreCase("FALSE")) {
                return new BoolConstant(false);
            }
            if (word.equalsIgnoreCase("NULL")) {
                return new Constant(null);
            }
            if (peek().op("(")) {
                if (word.equalsIgnoreCase("newid")) {
                    index++;
                    expectOp(")");
                    return new NewId();
                }
                index--;
                throw error("unknown function '" + word + "'");
            }
            if (isReserved(word)) {
                index--;
                throw error("unexpected keyword '" + word + "'");
            }
            if (peek().op(".") && (word.equalsIgnoreCase("sys") || word.equalsIgnoreCase("user"))) {
                index++;
                Token name = next();
                if (name.kind() != Kind.IDENT && name.kind() != Kind.DELIMITED) {
                    index--;
                    throw error("expected a property name after '" + word + ".'");
                }
                if (word.equalsIgnoreCase("user")) {
                    return new Property(false, name.text());
                }
                String canonical = FilterMessage.canonicalSystemProperty(name.text());
                if (canonical == null) {
                    index--;
                    throw error("'sys." + name.text() + "' is not a system property");
                }
                return new Property(true, canonical);
            }
            return new Property(false, word);
        }

        private static boolean isReserved(String word) {
            return switch (word.toUpperCase(Locale.ROOT)) {
                case "AND", "OR", "NOT", "IN", "LIKE", "IS", "EXISTS", "ESCAPE" -> true;
                default -> false;
            };
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder();
                int start = i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new SqlSyntaxException("SQL filter syntax error at position " + start
                                + ": unterminated string in '" + s + "'.");
                    }
                    char d = s.charAt(i++);
                    if (d == '\'') {
                        if (i < s.length() && s.charAt(i) == '\'') {
                            sb.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(d);
                    }
                }
                tokens.add(new Token(Kind.STRING, sb.toString(), start));
            } else if (c == '[' || c == '"') {
                char close = c == '[' ? ']' : '"';
                int end = s.indexOf(close, i + 1);
                if (end < 0 || end == i + 1) {
                    throw new SqlSyntaxException("SQL filter syntax error at position " + i + ": unterminated or empty "
                            + "delimited name in '" + s + "'.");
                }
                tokens.add(new Token(Kind.DELIMITED, s.substring(i + 1, end), i));
                i = end + 1;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                int start = i;
                boolean decimal = false;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i < s.length() && s.charAt(i) == '.') {
                    decimal = true;
                    i++;
                    while (i < s.length() && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                }
                if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int save = i++;
                    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                    if (i < s.length() && Character.isDigit(s.charAt(i))) {
                        decimal = true;
                        while (i < s.length() && Character.isDigit(s.charAt(i))) {
                            i++;
                        }
                    } else {
                        i = save;
                    }
                }
                tokens.add(new Token(decimal ? Kind.DECIMAL : Kind.INTEGER, s.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.IDENT, s.substring(start, i), start));
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals("<>") || two.equals("!=") || two.equals(">=") || two.equals("<=")) {
                    tokens.add(new Token(Kind.OP, two, i));
                    i += 2;
                } else if ("=<>+-*/%(),.".indexOf(c) >= 0) {
                    tokens.add(new Token(Kind.OP, String.valueOf(c), i));
                    i++;
                } else {
                    throw new SqlSyntaxException("SQL filter syntax error at position " + i + ": unexpected character '"
                            + c + "' in '" + s + "'.");
                }
            }
        }
        tokens.add(new Token(Kind.END, "<end>", s.length()));
        return tokens;
    }
}
