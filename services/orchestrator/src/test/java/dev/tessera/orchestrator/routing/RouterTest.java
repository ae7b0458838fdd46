package dev.tessera.orchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.orchestrator.backend.BackendRegistry;
import dev.tessera.orchestrator.backend.BackendSpec;
import dev.tessera.orchestrator.backend.Capability;
import dev.tessera.orchestrator.backend.Contract;
import dev.tessera.orchestrator.backend.TestBackends;
import dev.tessera.platform.error.ServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's decisions, on backends whose health and prices the test sets. */
class RouterTest {

    private BackendRegistry registry;
    private Router router;

    @BeforeEach
    void mesh() {
        List<BackendSpec> specs = new ArrayList<>();
        specs.add(TestBackends.spec("big", "llm", Set.of(Capability.CHAT), 3, 20, 80, 0));
        specs.add(TestBackends.spec("small", "slm", Set.of(Capability.CHAT), 1, 5, 20, 0));
        specs.add(TestBackends.spec("tool-big", "llm", Set.of(Capability.TOOLS), 3, 30, 120, 0));
        specs.add(TestBackends.spec("tool-small", "slm", Set.of(Capability.TOOLS), 2, 6, 24, 0));
        specs.add(TestBackends.spec("embed-a", "mlm", Set.of(Capability.EMBED), 2, 2, 0, 0));
        specs.add(TestBackends.spec("embed-b", "mlm", Set.of(Capability.EMBED), 1, 1, 0, 0));
        registry = TestBackends.registry(specs);
        TestBackends.allServing(registry, 256);
        router = new Router(registry, Policy.CHEAPEST_CAPABLE, "tool-small", "tool-big");
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private static Demand chat(int bytes, int maxTokens) {
        return new Demand(Contract.TEXTGEN, Set.of(Capability.CHAT), bytes, 1, maxTokens, List.of(), "", 0);
    }

    private static RouteRequest auto() {
        return new RouteRequest("", Policy.AUTO, OptionalLong.empty(), 0);
    }

    @Test
    void cheapest_capable_orders_by_worst_case_and_reserves_the_dearest_it_may_fall_back_to() {
        RoutePlan plan = router.plan(chat(100, 100), auto(), "model");
        assertThat(plan.policy()).isEqualTo(Policy.CHEAPEST_CAPABLE);
        assertThat(plan.candidates()).extracting(c -> c.backend().name()).containsExactly("small", "big");
        // big: 180 input tokens (100 bytes + 16 per message + 64) at 20/1k -> 4, 100 output at 80/1k -> 8
        assertThat(plan.candidates().get(1).worstCaseMicros()).isEqualTo(4 + 8);
        assertThat(plan.reserveMicros()).isEqualTo(12);
        assertThat(plan.skipped()).extracting(Skipped::backend).containsExactlyInAnyOrder("tool-big", "tool-small");
    }

    @Test
    void the_model_context_caps_the_worst_case() {
        TestBackends.allServing(registry, 64);
        RoutePlan plan = router.plan(chat(10_000, 1000), auto(), "model");
        // 64 input and 64 output tokens at most: 2 + 6 on big
        assertThat(plan.candidates().get(1).worstCaseMicros()).isEqualTo(2 + 6);
    }

    @Test
    void an_unhealthy_backend_is_skipped_with_its_reason_and_the_next_serves() {
        TestBackends.down(registry, "small");
        RoutePlan plan = router.plan(chat(10, 10), auto(), "model");
        assertThat(plan.candidates()).extracting(c -> c.backend().name()).containsExactly("big");
        assertThat(plan.skipped())
                .filteredOn(s -> s.backend().equals("small"))
                .singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("connection refused"));
        TestBackends.down(registry, "big");
        assertThatThrownBy(() -> router.plan(chat(10, 10), auto(), "model"))
                .isInstanceOf(ServiceException.class)
                .satisfies(e -> assertThat(((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.UNAVAILABLE));
    }

    @Test
    void a_quality_tier_and_a_maximum_cost_narrow_the_choice() {
        RoutePlan tiered =
                router.plan(chat(10, 10), new RouteRequest("", Policy.AUTO, OptionalLong.empty(), 2), "model");
        assertThat(tiered.candidates()).extracting(c -> c.backend().name()).containsExactly("big");
        RoutePlan capped = router.plan(chat(100, 100), new RouteRequest("", Policy.AUTO, OptionalLong.of(5), 0), "m");
        assertThat(capped.candidates()).extracting(c -> c.backend().name()).containsExactly("small");
        assertThatThrownBy(() ->
                        router.plan(chat(100, 100), new RouteRequest("", Policy.AUTO, OptionalLong.of(5), 3), "model"))
                .isInstanceOf(ServiceException.class)
                .satisfies(e ->
                        assertThat(((ServiceException) e).kind()).isEqualTo(ServiceException.Kind.FAILED_PRECONDITION));
    }

    @Test
    void a_named_model_is_explicit_and_an_unknown_or_wrong_kind_is_refused_naming_the_field() {
        RoutePlan plan = router.plan(chat(10, 10), new RouteRequest("big", Policy.AUTO, OptionalLong.empty(), 0), "m");
        assertThat(plan.policy()).isEqualTo(Policy.EXPLICIT);
        assertThat(plan.candidates())
                .singleElement()
                .satisfies(c -> assertThat(c.backend().name()).isEqualTo("big"));
        assertThatThrownBy(() -> router.plan(
                        chat(10, 10), new RouteRequest("nope", Policy.AUTO, OptionalLong.empty(), 0), "model"))
                .hasMessageStartingWith("model: no model 'nope'");
        assertThatThrownBy(() -> router.plan(
                        chat(10, 10), new RouteRequest("embed-a", Policy.AUTO, OptionalLong.empty(), 0), "model"))
                .hasMessageContaining("does not serve text generation");
    }

    @Test
    void the_cascade_reserves_both_steps_and_tools_go_only_to_tool_models() {
        Demand tools = new Demand(Contract.TEXTGEN, Set.of(Capability.TOOLS), 50, 1, 20, List.of(), "", 0);
        RoutePlan plan = router.plan(tools, new RouteRequest("", Policy.CASCADE, OptionalLong.empty(), 0), "model");
        assertThat(plan.candidates()).extracting(c -> c.backend().name()).containsExactly("tool-small", "tool-big");
        assertThat(plan.reserveMicros())
                .isEqualTo(plan.candidates().get(0).worstCaseMicros()
                        + plan.candidates().get(1).worstCaseMicros());
        RoutePlan cheapest = router.plan(tools, auto(), "model");
        assertThat(cheapest.candidates()).extracting(c -> c.backend().name()).containsExactly("tool-small", "tool-big");
    }

    @Test
    void embeddings_rank_by_the_exact_cost_even_when_both_round_to_one_micro_dollar() {
        Demand embed = new Demand(Contract.EMBEDDING, Set.of(Capability.EMBED), 5, 0, 0, List.of(5), "", 0);
        RoutePlan plan = router.plan(embed, auto(), "model");
        assertThat(plan.candidates()).extracting(c -> c.backend().name()).containsExactly("embed-b", "embed-a");
        assertThat(plan.candidates()).allMatch(c -> c.worstCaseMicros() == 1);
        assertThatThrownBy(() -> router.plan(embed, new RouteRequest("", Policy.CASCADE, OptionalLong.empty(), 0), "m"))
                .hasMessageStartingWith("routing.policy");
    }
}
