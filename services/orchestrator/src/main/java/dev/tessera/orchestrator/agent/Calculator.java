package dev.tessera.orchestrator.agent;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The agent's {@code calculator} tool: an exact evaluator of arithmetic, never a model. Decimal arithmetic
 * ({@link BigDecimal}, 34 significant digits for quotients), so {@code 0.1 + 0.2} is {@code 0.3}. It reads numbers with
 * decimals, {@code + - * / ^}, parentheses, unary signs and a postfix {@code %} (hundredths, so {@code 15% * 240} is
 * {@code 36}); {@code ×}, {@code ÷} and {@code x} between numbers are read as {@code *} and {@code /}, and commas in
 * numbers as thousands separators, because people and small models write them. An expression it cannot read, or
 * one that would be unbounded (too long, nested too deep, a power too large), is refused with a reason that says where.
 */
public final class Calculator {

    /** The longest expression accepted, in characters. */
    public static final int MAX_LENGTH = 200;

    private static final int MAX_DEPTH = 32;
    private static final int MAX_EXPONENT = 999;
    private static final MathContext DIVISION = MathContext.DECIMAL128;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final String text;
    private int pos;
    private int depth;

    private Calculator(String text) {
        this.text = text;
    }

    /** Why an expression cannot be evaluated; the message names the position. */
    public static final class CalculatorException extends RuntimeException {
        CalculatorException(String message) {
            super(message);
        }
    }

    /** Evaluates an expression exactly; the result has no trailing zeros ({@code 36}, not {@code 36.00}). */
    public static BigDecimal evaluate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new CalculatorException("the expression is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new CalculatorException(
                    "the expression has " + expression.length() + " characters; the limit is " + MAX_LENGTH);
        }
        Calculator c = new Calculator(normalise(expression));
        BigDecimal value = c.sum();
        c.skipSpaces();
        if (c.pos < c.text.length()) {
            throw c.error("unexpected '" + c.text.charAt(c.pos) + "'");
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** The value as a tool result: a plain decimal, no exponent. */
    public static String format(BigDecimal value) {
        return value.toPlainString();
    }

    private static String normalise(String expression) {
        StringBuilder out = new StringBuilder(expression.length());
        for (int i = 0; i < expression.length(); i++) {
            char ch = expression.charAt(i);
            if (ch == '×' || ch == '·') {
                out.append('*');
            } else if (ch == '÷') {
                out.append('/');
            } else if ((ch == 'x' || ch == 'X') && between(expression, i)) {
                out.append('*');
            } else if (ch == ',' && i > 0 && Character.isDigit(expression.charAt(i - 1)) && thousands(expression, i)) {
                continue; // 1,250 is one thousand two hundred and fifty
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** An x between two operands (digits, a closing or opening parenthesis), ignoring spaces. */
    private static boolean between(String s, int i) {
        int before = i - 1;
        while (before >= 0 && s.charAt(before) == ' ') {
            before--;
        }
        int after = i + 1;
        while (after < s.length() && s.charAt(after) == ' ') {
            after++;
        }
        return before >= 0
                && after < s.length()
                && (Character.isDigit(s.charAt(before)) || s.charAt(before) == ')' || s.charAt(before) == '%')
                && (Character.isDigit(s.charAt(after)) || s.charAt(after) == '(' || s.charAt(after) == '.');
    }

    /** A comma followed by exactly three digits and then no further digit. */
    private static boolean thousands(String s, int comma) {
        int digits = 0;
        int i = comma + 1;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            digits++;
            i++;
        }
        return digits == 3;
    }

    private BigDecimal sum() {
        BigDecimal value = product();
        while (true) {
            skipSpaces();
            if (eat('+')) {
                value = value.add(product());
            } else if (eat('-')) {
                value = value.subtract(product());
            } else {
                return value;
            }
        }
    }

    private BigDecimal product() {
        BigDecimal value = power();
        while (true) {
            skipSpaces();
            if (eat('*')) {
                value = value.multiply(power());
            } else if (eat('/')) {
                int at = pos;
                BigDecimal divisor = power();
                if (divisor.signum() == 0) {
                    throw new CalculatorException("division by zero at position " + (at + 1));
                }
                value = value.divide(divisor, DIVISION);
            } else {
                return value;
            }
        }
    }

    private BigDecimal power() {
        BigDecimal base = unary();
        skipSpaces();
        if (eat('^')) {
            int at = pos;
            BigDecimal exponent = power(); // right-associative: 2^3^2 is 2^9
            int n;
            try {
                n = exponent.intValueExact();
            } catch (ArithmeticException e) {
                throw new CalculatorException("the exponent at position " + (at + 1) + " must be a whole number");
            }
            if (Math.abs(n) > MAX_EXPONENT) {
                throw new CalculatorException("the exponent " + n + " is beyond ±" + MAX_EXPONENT);
            }
            if (n < 0) {
                if (base.signum() == 0) {
                    throw new CalculatorException("zero to a negative power at position " + (at + 1));
                }
                return BigDecimal.ONE.divide(base.pow(-n), DIVISION);
            }
            return base.pow(n);
        }
        return base;
    }

    private BigDecimal unary() {
        skipSpaces();
        if (eat('-')) {
            return unary().negate();
        }
        if (eat('+')) {
            return unary();
        }
        return percent(primary());
    }

    private BigDecimal percent(BigDecimal value) {
        skipSpaces();
        while (eat('%')) {
            value = value.divide(HUNDRED);
            skipSpaces();
        }
        return value;
    }

    private BigDecimal primary() {
        skipSpaces();
        if (eat('(')) {
            if (++depth > MAX_DEPTH) {
                throw new CalculatorException("parentheses nested deeper than " + MAX_DEPTH);
            }
            BigDecimal value = sum();
            skipSpaces();
            if (!eat(')')) {
                throw error("a ')' is missing");
            }
            depth--;
            return value;
        }
        int start = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        if (start == pos) {
            throw pos < text.length() ? error("unexpected '" + text.charAt(pos) + "'") : error("a number is missing");
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw new CalculatorException(
                    "'" + text.substring(start, pos) + "' at position " + (start + 1) + " is not a number");
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean eat(char ch) {
        if (pos < text.length() && text.charAt(pos) == ch) {
            pos++;
            return true;
        }
        return false;
    }

    private CalculatorException error(String what) {
        return new CalculatorException(what + " at position " + (pos + 1) + " of '" + text + "'");
    }
}
