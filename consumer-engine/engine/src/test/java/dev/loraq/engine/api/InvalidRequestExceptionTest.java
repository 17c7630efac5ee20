package dev.loraq.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InvalidRequestExceptionTest {

    @Test
    void theTenantsMessageKeepsOnlyTheLastSegmentOfEveryAbsolutePath() {
        InvalidRequestException e = new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                "adapter 'ad-1': /srv/loraq/adapters/ad-1/adapter_model.safetensors: header too long; see /etc/x/");

        assertEquals("adapter 'ad-1': adapter_model.safetensors: header too long; see x", e.tenantMessage());
        assertEquals("adapter 'ad-1': /srv/loraq/adapters/ad-1/adapter_model.safetensors: header too long; see /etc/x/", e.getMessage());
    }

    @Test
    void textWithoutAbsolutePathsIsUnchanged() {
        InvalidRequestException e = new InvalidRequestException(ErrorCode.INVALID_SAMPLING, "top_p 1.5 not in (0, 1]; a/b stays, 3/4 too");

        assertEquals(e.getMessage(), e.tenantMessage());
    }

    @Test
    void pathsInQuotesAndParenthesesAreCutToo() {
        InvalidRequestException e = new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER, "unknown adapter 'x': no folder '/data/adapters/x' (in /data/adapters)");

        assertEquals("unknown adapter 'x': no folder 'x' (in adapters)", e.tenantMessage());
    }
}
