package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart passes {@code helm lint --strict}, renders with each values file the repository ships, and every object
 * it renders (optional ones switched on too) is valid Kubernetes. The values schema refuses wrong types and unknown
 * keys, naming the field.
 */
class ChartRenderTest {

    /** Every optional object switched on, and every family enabled, so that each template renders something. */
    static final String[] EVERYTHING_ON = {
        "--set",
        "families.moe.enabled=true,families.vlm.enabled=true,families.lcm.enabled=true,families.sam.enabled=true",
        "--set",
        "componentDefaults.autoscaling.enabled=true,componentDefaults.autoscaling.minReplicas=2",
        "--set",
        "families.mlm.autoscaling.keda.enabled=true,families.llm.autoscaling.keda.enabled=true",
        "--set",
        "metrics.serviceMonitor.enabled=true",
        "--set",
        "orchestrator.database.url=jdbc:postgresql://postgres:5432/tessera,orchestrator.database.password=pw",
        "--set",
        "families.llm.model.source=pvc,families.llm.model.claimName=models",
        "--set",
        "families.slm.model.source=image,families.slm.model.image.reference=registry.example/models:1",
        "--set-json",
        "families.llm.topologySpreadConstraints=[{\"maxSkew\":1,\"topologyKey\":\"kubernetes.io/hostname\",\"whenUnsatisfiable\":\"ScheduleAnyway\"}]",
        "--set",
        "families.llm.priorityClassName=tessera-high,families.llm.gpu.runtimeClassName=nvidia",
        "--set",
        "global.imagePullSecrets={regcred},serviceAccount.annotations.team=ml"
    };

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-gpu.yaml", "values-single-node.yaml"})
    void lints_strictly(String valuesFile) {
        var result = K8sTools.run(List.of(
                K8sTools.helm().toString(),
                "lint",
                "--strict",
                K8sTools.CHART.toString(),
                "-f",
                K8sTools.CHART.resolve(valuesFile).toString()));
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("0 chart(s) failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"values.yaml", "values-gpu.yaml", "values-single-node.yaml"})
    void every_rendered_object_is_valid_kubernetes(String valuesFile) {
        Manifests manifests = Manifests.parse(
                K8sTools.template("-f", K8sTools.CHART.resolve(valuesFile).toString()));
        assertThat(manifests.ofKind("Deployment")).hasSize(4);
        assertThat(StrictModel.problems(manifests)).isEmpty();
        assertThat(KubernetesModels.problems(manifests)).isEmpty();
    }

    @Test
    void every_optional_object_is_valid_kubernetes_too() {
        List<String> args = new ArrayList<>(
                List.of("-f", K8sTools.CHART.resolve("values-gpu.yaml").toString()));
        args.addAll(List.of(EVERYTHING_ON));
        Manifests manifests = Manifests.parse(K8sTools.template(args.toArray(String[]::new)));
        assertThat(manifests.ofKind("Deployment")).hasSize(8);
        assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isNotEmpty();
        assertThat(manifests.ofKind("ScaledObject")).hasSize(2);
        assertThat(manifests.ofKind("ServiceMonitor")).hasSize(1);
        assertThat(manifests.ofKind("PodDisruptionBudget")).hasSize(8);
        assertThat(StrictModel.problems(manifests)).isEmpty();
        assertThat(KubernetesModels.problems(manifests)).isEmpty();
    }

    @Test
    void the_strict_check_catches_a_misspelt_field_and_a_wrong_type() {
        Manifests manifests = Manifests.parse(K8sTools.template());
        var deployment = manifests.get("Deployment", "tessera-llm").deepCopy();
        ((ObjectNode) Manifests.container(deployment)).put("imagePulPolicy", "Always");
        ((ObjectNode) deployment.path("spec")).put("replicas", "two");
        assertThat(StrictModel.problems(deployment)).singleElement().asString().contains("at .spec.replicas");
        ((ObjectNode) deployment.path("spec")).put("replicas", 2);
        assertThat(StrictModel.problems(deployment))
                .singleElement()
                .asString()
                .contains("imagePulPolicy")
                .contains(".spec.template.spec.containers[0]");
    }

    @Test
    void the_second_check_catches_a_missing_required_field_and_a_number_where_keda_wants_a_string() {
        Manifests manifests = Manifests.parse(K8sTools.template("--set", "families.mlm.autoscaling.keda.enabled=true"));
        ObjectNode deployment = manifests.get("Deployment", "tessera-llm").deepCopy();
        ((ObjectNode) deployment.path("spec")).remove("selector");
        ObjectNode scaled = manifests.ofKind("ScaledObject").get(0).deepCopy();
        ((ObjectNode) scaled.at("/spec/triggers/0/metadata")).put("threshold", 4);
        assertThat(KubernetesModels.problems(Manifests.of(List.of(deployment, scaled))))
                .containsExactly(
                        "apps/v1/Deployment tessera-llm: data/spec must have required property selector",
                        "keda.sh/v1alpha1/ScaledObject tessera-mlm: data/spec/triggers/0/metadata/threshold must be"
                                + " string");
    }

    @Test
    void the_schema_refuses_a_string_replica_count_naming_the_field() {
        String error = K8sTools.templateError("--set-string", "families.llm.replicaCount=two");
        assertThat(error).contains("/families/llm/replicaCount").contains("want integer");
        assertThat(K8sTools.templateError("--set-string", "orchestrator.replicaCount=two"))
                .contains("/orchestrator/replicaCount");
    }

    @Test
    void the_schema_refuses_unknown_keys_inside_component_blocks() {
        assertThat(K8sTools.templateError("--set", "families.llm.gpuu.count=1"))
                .contains("at '/families/llm': additional properties 'gpuu' not allowed");
        assertThat(K8sTools.templateError("--set", "families.mlm.gpu.cuont=1"))
                .contains("at '/families/mlm/gpu': additional properties 'cuont' not allowed");
        assertThat(K8sTools.templateError("--set", "orchestrator.replicas=2"))
                .contains("at '/orchestrator': additional properties 'replicas' not allowed");
        assertThat(K8sTools.templateError("--set", "componentDefaults.probes.startup.delay=5"))
                .contains("at '/componentDefaults/probes/startup': additional properties 'delay' not allowed");
        assertThat(K8sTools.templateError("--set", "families.gpt.enabled=true"))
                .contains("at '/families': additional properties 'gpt' not allowed");
    }

    @Test
    void the_schema_refuses_bad_enums_and_a_backend_of_no_family() {
        assertThat(K8sTools.templateError("--set", "families.llm.gpu.nodeAffinity.mode=sometimes"))
                .contains("/families/llm/gpu/nodeAffinity/mode");
        assertThat(K8sTools.templateError("--set", "families.llm.model.source=s3"))
                .contains("/families/llm/model/source");
        assertThat(K8sTools.templateError(
                        "--set", "orchestrator.backends.x.family=gpt,orchestrator.backends.x.capabilities={chat}"))
                .contains("/orchestrator/backends/x/family");
    }

    @Test
    void a_model_volume_without_its_source_is_refused_with_the_key_to_set() {
        assertThat(K8sTools.templateError("--set", "families.llm.model.source=pvc"))
                .contains("families.llm.model.claimName is required");
        assertThat(K8sTools.templateError("--set", "families.llm.model.source=image"))
                .contains("families.llm.model.image.reference is required");
    }
}
