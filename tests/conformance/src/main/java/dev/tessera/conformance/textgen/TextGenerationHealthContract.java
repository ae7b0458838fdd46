package dev.tessera.conformance.textgen;

import dev.tessera.conformance.HealthContract;
import java.util.List;

/**
 * Health on a text-generation service: besides what every service reports, the generation metrics of its default
 * model exist from readiness on, before the first request, so dashboards and alerts see them at zero.
 */
public abstract class TextGenerationHealthContract extends HealthContract {

    @Override
    protected List<String> expectedMetrics() {
        String model = ServedModels.defaultModel(channel).getName();
        return List.of(
                "tessera_generation_inflight",
                "tessera_generation_rejected_total",
                "tessera_generation_time_to_first_token_seconds_bucket{model=\"" + model + "\"",
                "tessera_generation_tokens_total{model=\"" + model + "\"",
                "tessera_generation_decode_rate_tokens_per_second",
                "tessera_generation_batch_rows_count{model=\"" + model + "\"");
    }
}
