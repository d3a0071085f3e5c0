package dev.warden.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** {@code Retry-After} as RFC 9110 allows it: delta-seconds or an HTTP date. */
class ProviderHttpClientTest {
    @Test
    void secondsAndDatesAreReadAndAnythingElseIsIgnored() {
        assertThat(ProviderHttpClient.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(ProviderHttpClient.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        var inTenSeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(ProviderHttpClient.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        var past = ZonedDateTime.now(ZoneOffset.UTC).minusHours(1).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(ProviderHttpClient.retryAfter(past)).isEqualTo(Duration.ZERO);
        assertThat(ProviderHttpClient.retryAfter("soon")).isNull();
        assertThat(ProviderHttpClient.retryAfter("-3")).isNull();
    }
}
