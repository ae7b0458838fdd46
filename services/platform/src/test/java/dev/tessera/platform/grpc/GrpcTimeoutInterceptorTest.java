package dev.tessera.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class GrpcTimeoutInterceptorTest {

    @Test
    void parses_every_unit_of_the_grpc_timeout_header() {
        assertThat(GrpcTimeoutInterceptor.parse("150m")).hasValue(150_000_000L);
        assertThat(GrpcTimeoutInterceptor.parse("2S")).hasValue(2_000_000_000L);
        assertThat(GrpcTimeoutInterceptor.parse("1M")).hasValue(60_000_000_000L);
        assertThat(GrpcTimeoutInterceptor.parse("1H")).hasValue(3_600_000_000_000L);
        assertThat(GrpcTimeoutInterceptor.parse("250u")).hasValue(250_000L);
        assertThat(GrpcTimeoutInterceptor.parse("99999999n")).hasValue(99_999_999L);
    }

    @Test
    void ignores_malformed_values() {
        assertThat(GrpcTimeoutInterceptor.parse(null)).isEqualTo(OptionalLong.empty());
        assertThat(GrpcTimeoutInterceptor.parse("5")).isEmpty();
        assertThat(GrpcTimeoutInterceptor.parse("123456789S")).isEmpty(); // more than 8 digits
        assertThat(GrpcTimeoutInterceptor.parse("10x")).isEmpty();
        assertThat(GrpcTimeoutInterceptor.parse("-1S")).isEmpty();
        assertThat(GrpcTimeoutInterceptor.parse("abS")).isEmpty();
    }
}
