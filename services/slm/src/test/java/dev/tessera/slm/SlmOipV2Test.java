package dev.tessera.slm;

import dev.tessera.conformance.textgen.DecoderOipV2Contract;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.util.List;

@QuarkusTest
class SlmOipV2Test extends DecoderOipV2Contract {

    @TestHTTPResource("/")
    URL url;

    @Override
    protected URI serviceUri() {
        return URI.create(url.toString());
    }

    @Override
    protected String modelName() {
        return "stories15m-q8";
    }

    @Override
    protected int layers() {
        return 6;
    }

    @Override
    protected int kvHeads() {
        return 6;
    }

    @Override
    protected int headSize() {
        return 48;
    }

    /** BOS, "Once", " upon". */
    @Override
    protected List<Long> tokens() {
        return List.of(1L, 26222L, 2501L);
    }
}
