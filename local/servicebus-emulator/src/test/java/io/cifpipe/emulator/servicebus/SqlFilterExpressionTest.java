package io.cifpipe.emulator.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every operator, property type and the missing-property rules of the SQL filter subset. */
class SqlFilterExpressionTest {

    private static FilterMessage message(Map<String, Object> props) {
        Message m = Proton.message();
        Properties p = new Properties();
        p.setMessageId("msg-1");
        p.setCorrelationId("corr-1");
        p.setSubject("Accepted");
        p.setTo("telephony");
        p.setContentType(Symbol.valueOf("application/json"));
        m.setProperties(p);
        m.setApplicationProperties(new ApplicationProperties(new HashMap<>(props)));
        return new FilterMessage(m, 42, 100);
    }

    private static final FilterMessage SAMPLE = message(sample());

    private static Map<String, Object> sample() {
        Map<String, Object> props = new HashMap<>();
        props.put("outcome", "Accepted");
        props.put("queue", "sales-emea");
        props.put("count", 5); // int on the wire
        props.put("big", 5_000_000_000L);
        props.put("ratio", 0.5d);
        props.put("vip", true);
        props.put("nothing", null);
        props.put("uint", UnsignedInteger.valueOf(7));
        props.put("with space", "x");
        return props;
    }

    private static boolean eval(String sql) {
        return SqlFilterExpression.parse(sql).matches(SAMPLE);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                // comparison on strings, ints, longs, doubles, booleans
                "outcome = 'Accepted'|true",
                "outcome = 'accepted'|false",
                "outcome <> 'Rejected'|true",
                "outcome != 'Accepted'|false",
                "outcome > 'Abc'|true",
                "outcome < 'B'|true",
                "count = 5|true",
                "count >= 5|true",
                "count > 5|false",
                "count < 6|true",
                "count <= 4|false",
                "big > 4000000000|true",
                "ratio = 0.5|true",
                "ratio < 1|true",
                "count = 5.0|true",
                "uint = 7|true",
                "vip = TRUE|true",
                "vip = false|false",
                "vip <> FALSE|true",
                // type mismatch is unknown, never a match (also under NOT)
                "count = '5'|false",
                "NOT (count = '5')|false",
                "vip > TRUE|false",
                // AND / OR / NOT with three-valued logic
                "outcome = 'Accepted' AND count = 5|true",
                "outcome = 'Accepted' AND count = 6|false",
                "outcome = 'Rejected' OR count = 5|true",
                "NOT outcome = 'Rejected'|true",
                "missing = 1 OR count = 5|true",
                "missing = 1 AND count = 5|false",
                "NOT (missing = 1)|false",
                "missing = 1 OR NOT missing = 1|false",
                "(outcome = 'x' OR queue = 'sales-emea') AND vip = true|true",
                // IN / NOT IN
                "outcome IN ('Accepted', 'Rejected')|true",
                "outcome IN ('Expired')|false",
                "outcome NOT IN ('Expired', 'Withdrawn')|true",
                "outcome NOT IN ('Accepted')|false",
                "count IN (1, 5, 9)|true",
                "missing IN ('a')|false",
                "missing NOT IN ('a')|false",
                // LIKE with % _ and ESCAPE
                "queue LIKE 'sales%'|true",
                "queue LIKE '%emea'|true",
                "queue LIKE 'sales-e_ea'|true",
                "queue LIKE 'sales'|false",
                "queue NOT LIKE 'support%'|true",
                "missing LIKE '%'|false",
                "sys.Label LIKE 'Acc%'|true",
                "'50%' LIKE '50!%' ESCAPE '!'|true",
                "'500' LIKE '50!%' ESCAPE '!'|false",
                // IS NULL / IS NOT NULL: missing and null both count as NULL
                "missing IS NULL|true",
                "nothing IS NULL|true",
                "outcome IS NULL|false",
                "outcome IS NOT NULL|true",
                "missing IS NOT NULL|false",
                "sys.ReplyTo IS NULL|true",
                // EXISTS tells missing from null
                "EXISTS(outcome)|true",
                "EXISTS(nothing)|true",
                "EXISTS(missing)|false",
                "NOT EXISTS(missing)|true",
                "EXISTS(user.outcome)|true",
                // system properties (sys. prefix, case-insensitive names), user. scope, delimited names
                "sys.MessageId = 'msg-1'|true",
                "sys.correlationid = 'corr-1'|true",
                "sys.Label = 'Accepted'|true",
                "sys.To = 'telephony'|true",
                "sys.ContentType = 'application/json'|true",
                "sys.SequenceNumber = 42|true",
                "user.outcome = 'Accepted'|true",
                "[with space] = 'x'|true",
                "user.[with space] = 'x'|true",
                "outcome = sys.Label|true",
                // arithmetic and unary minus
                "count + 1 = 6|true",
                "count * 2 = 10|true",
                "count / 2 = 2|true",
                "count % 2 = 1|true",
                "ratio * 2 = 1|true",
                "-count = -5|true",
                "count - 10 < 0|true",
                "count / 0 = 1|false",
                "missing + 1 = 1|false",
                // constants and case-insensitive keywords
                "1 = 1|true",
                "1 = 0|false",
                "TRUE = TRUE|true",
                "outcome in ('Accepted') and not vip = false|true",
                "'it''s' = 'it''s'|true",
                "1.5e1 = 15|true"
            })
    void evaluates(String sql, boolean expected) {
        assertThat(eval(sql)).as(sql).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "outcome = ",
                "outcome = 'x",
                "= 1",
                "outcome 'x'",
                "sys.Nope = 1",
                "EXISTS(1)",
                "outcome IN ()",
                "count",
                "count + 1",
                "outcome = 'a' AND",
                "foo(1) = 1",
                "[] = 1",
                "outcome # 1",
                "(outcome = 'a'",
                "AND = 1",
                "99999999999999999999 = 1",
                "newid() IS NULL"
            })
    void refusesWhatServiceBusRefuses(String sql) {
        assertThatThrownBy(() -> SqlFilterExpression.parse(sql))
                .isInstanceOf(SqlFilterExpression.SqlSyntaxException.class);
    }

    @Test
    void refusesEmptyAndOverlongExpressions() {
        assertThatThrownBy(() -> SqlFilterExpression.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlFilterExpression.parse("a = '" + "x".repeat(1100) + "'"))
                .hasMessageContaining("1024");
    }

    @Test
    void newIdIsAString() {
        assertThat(eval("newid() LIKE '%-%'")).isTrue();
    }

    @Property(tries = 200)
    void stringEqualityMatchesJavaEquals(
            @ForAll @AlphaChars @StringLength(max = 12) String a,
            @ForAll @AlphaChars @StringLength(max = 12) String b) {
        FilterMessage m = message(Map.of("p", a));
        String literal = "'" + b + "'";
        assertThat(SqlFilterExpression.parse("p = " + literal).matches(m)).isEqualTo(a.equals(b));
        assertThat(SqlFilterExpression.parse("p <> " + literal).matches(m)).isEqualTo(!a.equals(b));
        assertThat(SqlFilterExpression.parse("p IN (" + literal + ", 'zz9')").matches(m))
                .isEqualTo(a.equals(b) || a.equals("zz9"));
        assertThat(SqlFilterExpression.parse("p LIKE " + literal).matches(m)).isEqualTo(a.equals(b));
    }

    @Property(tries = 200)
    void numericComparisonMatchesJava(@ForAll long a, @ForAll long b) {
        FilterMessage m = message(Map.of("n", a));
        assertThat(SqlFilterExpression.parse("n < " + b).matches(m)).isEqualTo(a < b);
        assertThat(SqlFilterExpression.parse("n >= " + b).matches(m)).isEqualTo(a >= b);
        // Exactly one of p, NOT p holds for a present property; neither for a missing one.
        boolean p = SqlFilterExpression.parse("n = " + b).matches(m);
        boolean notP = SqlFilterExpression.parse("NOT (n = " + b + ")").matches(m);
        assertThat(p ^ notP).isTrue();
        FilterMessage none = message(Map.of());
        assertThat(SqlFilterExpression.parse("n = " + b).matches(none)).isFalse();
        assertThat(SqlFilterExpression.parse("NOT (n = " + b + ")").matches(none))
                .isFalse();
    }
}
