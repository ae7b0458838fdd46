package dev.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What the rendered chart says: GPU placement, who may reach whom, probes, scaling, security, secrets, the ledger. */
class ChartContentTest {

    static final Set<String> GPU_FAMILIES = Set.of("llm", "moe", "vlm", "lcm", "sam");
    static final String ALL_FAMILIES =
            "families.moe.enabled=true,families.vlm.enabled=true,families.lcm.enabled=true,families.sam.enabled=true";

    static Manifests render(String... args) {
        return Manifests.parse(K8sTools.template(args));
    }

    static String gpuValues() {
        return K8sTools.CHART.resolve("values-gpu.yaml").toString();
    }

    @Test
    void gpu_families_get_the_limit_affinity_tolerations_cuda_and_image_and_no_other_does() {
        Map<String, JsonNode> deployments =
                render("-f", gpuValues(), "--set", ALL_FAMILIES).deploymentsByComponent();
        assertThat(deployments.keySet())
                .containsExactlyInAnyOrder("orchestrator", "llm", "slm", "moe", "mlm", "vlm", "lcm", "sam");
        deployments.forEach((component, d) -> {
            boolean gpu = GPU_FAMILIES.contains(component);
            JsonNode resources = Manifests.container(d).path("resources");
            JsonNode pod = Manifests.podSpec(d);
            String why = component + (gpu ? " has a GPU" : " runs on CPU");
            if (gpu) {
                assertThat(resources.path("limits").path("nvidia.com/gpu").asInt())
                        .as(why)
                        .isEqualTo(1);
                assertThat(resources.path("requests").path("nvidia.com/gpu").asInt())
                        .as(why)
                        .isEqualTo(1);
                JsonNode term = pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                        + "/nodeSelectorTerms/0/matchExpressions/0");
                assertThat(term.path("key").asText()).as(why).isEqualTo("nvidia.com/gpu.present");
                assertThat(term.path("values").path(0).asText()).isEqualTo("true");
                assertThat(tolerationKeys(pod)).as(why).contains("nvidia.com/gpu");
                assertThat(Manifests.env(d)).as(why).containsEntry("TESSERA_RUNTIME_EXECUTION_PROVIDER", "cuda");
                assertThat(Manifests.container(d).path("image").asText())
                        .as(why)
                        .endsWith(":0.1.0-gpu");
            } else {
                assertThat(resources.toString()).as(why).doesNotContain("nvidia.com/gpu");
                assertThat(pod.has("affinity")).as(why).isFalse();
                assertThat(tolerationKeys(pod)).as(why).doesNotContain("nvidia.com/gpu");
                assertThat(Manifests.env(d)).as(why).doesNotContainKey("TESSERA_RUNTIME_EXECUTION_PROVIDER");
                assertThat(Manifests.container(d).path("image").asText())
                        .as(why)
                        .endsWith(":0.1.0");
            }
        });
    }

    @Test
    void the_defaults_put_nothing_on_a_gpu() {
        String all = render("--set", ALL_FAMILIES).all().toString();
        assertThat(all).doesNotContain("nvidia.com/gpu").doesNotContain("cuda").doesNotContain("-gpu");
    }

    @Test
    void soft_gpu_affinity_prefers_gpu_nodes_and_keeps_the_components_own_affinity() {
        JsonNode pod = Manifests.podSpec(render(
                        "--set", "families.llm.gpu.count=2,families.llm.gpu.nodeAffinity.mode=soft",
                        "--set", "families.llm.gpu.runtimeClassName=nvidia",
                        "--set-json",
                                "families.llm.affinity={\"nodeAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":"
                                        + "[{\"weight\":10,\"preference\":{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}}]}}")
                .get("Deployment", "tessera-llm"));
        JsonNode preferred = pod.at("/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution");
        assertThat(preferred).hasSize(2);
        assertThat(preferred.path(1).at("/preference/matchExpressions/0/key").asText())
                .isEqualTo("nvidia.com/gpu.present");
        assertThat(pod.at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                        .isMissingNode())
                .isTrue();
        assertThat(pod.path("runtimeClassName").asText()).isEqualTo("nvidia");
        assertThat(Manifests.container(
                                render("--set", "families.llm.gpu.count=2").get("Deployment", "tessera-llm"))
                        .at("/resources/limits/nvidia.com~1gpu")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void gpu_tolerations_append_to_or_override_the_global_list() {
        String global = "global.tolerations[0].key=dedicated,global.tolerations[0].operator=Exists";
        JsonNode appended = Manifests.podSpec(
                render("--set", global, "--set", "families.llm.gpu.count=1").get("Deployment", "tessera-llm"));
        assertThat(tolerationKeys(appended)).containsExactly("dedicated", "nvidia.com/gpu");
        JsonNode overridden = Manifests.podSpec(
                render("--set", global + ",global.tolerationsPolicy=override", "--set", "families.llm.gpu.count=1")
                        .get("Deployment", "tessera-llm"));
        assertThat(tolerationKeys(overridden)).containsExactly("nvidia.com/gpu");
        JsonNode cpuFamily = Manifests.podSpec(
                render("--set", global + ",global.tolerationsPolicy=override").get("Deployment", "tessera-mlm"));
        assertThat(tolerationKeys(cpuFamily)).containsExactly("dedicated");
    }

    @Test
    void network_policies_let_only_the_orchestrator_reach_families_and_only_configured_peers_reach_it() {
        Manifests manifests = render("--set", ALL_FAMILIES);
        List<JsonNode> policies = new ArrayList<>(manifests.ofKind("NetworkPolicy"));
        assertThat(policies)
                .extracting(Manifests::component)
                .containsExactlyInAnyOrderElementsOf(
                        manifests.deploymentsByComponent().keySet());
        for (JsonNode policy : policies) {
            String component = Manifests.component(policy);
            assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1component")
                            .asText())
                    .isEqualTo(component);
            assertThat(policy.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");
            JsonNode ingress = policy.path("spec").path("ingress");
            assertThat(ingress).as(component).hasSize(1);
            JsonNode from = ingress.path(0).path("from");
            if (component.equals("orchestrator")) {
                assertThat(from.toString())
                        .isEqualTo(
                                "[{\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"ingress-nginx\"}}},"
                                        + "{\"podSelector\":{\"matchLabels\":{\"tessera.dev/client\":\"true\"}}}]");
            } else {
                assertThat(from).as(component).hasSize(1);
                assertThat(from.path(0).has("namespaceSelector")).isFalse();
                assertThat(from.path(0).path("podSelector").path("matchLabels").toString())
                        .isEqualTo("{\"app.kubernetes.io/name\":\"tessera\",\"app.kubernetes.io/instance\":\"tessera\","
                                + "\"app.kubernetes.io/component\":\"orchestrator\"}");
            }
            assertThat(ingress.path(0).path("ports").toString())
                    .isEqualTo("[{\"port\":\"http\",\"protocol\":\"TCP\"}]");
        }
        JsonNode testPod = manifests.get("Pod", "tessera-test-call");
        assertThat(testPod.at("/metadata/labels/tessera.dev~1client").asText()).isEqualTo("true");
        assertThat(render("--set", "networkPolicy.enabled=false").ofKind("NetworkPolicy"))
                .isEmpty();
    }

    @Test
    void every_component_has_startup_readiness_and_liveness_probes() {
        render("--set", ALL_FAMILIES).deploymentsByComponent().forEach((component, d) -> {
            JsonNode c = Manifests.container(d);
            assertThat(c.at("/startupProbe/httpGet/path").asText())
                    .as(component)
                    .isEqualTo("/q/health/ready");
            assertThat(c.at("/readinessProbe/httpGet/path").asText())
                    .as(component)
                    .isEqualTo("/q/health/ready");
            assertThat(c.at("/livenessProbe/httpGet/path").asText())
                    .as(component)
                    .isEqualTo("/q/health/live");
            assertThat(c.at("/startupProbe/failureThreshold").asInt()
                            * c.at("/startupProbe/periodSeconds").asInt())
                    .as(component + ": the load-time budget in seconds")
                    .isEqualTo(300);
            assertThat(c.at("/startupProbe/httpGet/port").asText()).isEqualTo("http");
        });
    }

    @Test
    void pdb_hpa_keda_and_service_monitor_appear_only_when_enabled() {
        Manifests defaults = render();
        for (String kind :
                List.of("PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject", "ServiceMonitor")) {
            assertThat(defaults.ofKind(kind)).as(kind + " by default").isEmpty();
        }
        Manifests scaled = render(
                "--set",
                "families.llm.replicaCount=3,families.mlm.autoscaling.enabled=true",
                "--set",
                "families.mlm.autoscaling.minReplicas=2,families.slm.autoscaling.keda.enabled=true",
                "--set",
                "metrics.serviceMonitor.enabled=true");
        assertThat(scaled.ofKind("PodDisruptionBudget"))
                .extracting(Manifests::component)
                .containsExactlyInAnyOrder("llm", "mlm");
        assertThat(scaled.ofKind("HorizontalPodAutoscaler"))
                .extracting(Manifests::component)
                .containsExactly("mlm");
        JsonNode keda = scaled.ofKind("ScaledObject").get(0);
        assertThat(Manifests.component(keda)).isEqualTo("slm");
        assertThat(keda.at("/spec/triggers/0/metadata/query").asText())
                .isEqualTo("sum(tessera_generation_inflight{namespace=\"ai\",pod=~\"tessera-slm-.*\"})");
        assertThat(scaled.ofKind("ServiceMonitor")).hasSize(1);
        // an autoscaled Deployment leaves its replica count to the autoscaler
        assertThat(scaled.get("Deployment", "tessera-mlm").path("spec").has("replicas"))
                .isFalse();
        assertThat(scaled.get("Deployment", "tessera-llm").at("/spec/replicas").asInt())
                .isEqualTo(3);
        assertThat(render("--set", "families.llm.replicaCount=3,families.llm.pdb.enabled=false")
                        .ofKind("PodDisruptionBudget"))
                .isEmpty();
    }

    @Test
    void every_pod_runs_non_root_read_only_without_capabilities_or_a_token() {
        Manifests manifests = render("--set", ALL_FAMILIES);
        List<JsonNode> workloads = new ArrayList<>(manifests.ofKind("Deployment"));
        workloads.addAll(manifests.ofKind("Pod"));
        assertThat(workloads).hasSize(9);
        for (JsonNode w : workloads) {
            String name = w.at("/metadata/name").asText();
            JsonNode pod = Manifests.podSpec(w);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean())
                    .as(name)
                    .isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText())
                    .as(name)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                    .as(name)
                    .isFalse();
            JsonNode sc = Manifests.container(w).path("securityContext");
            assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(name).isTrue();
            assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true))
                    .as(name)
                    .isFalse();
            assertThat(sc.at("/capabilities/drop").toString()).as(name).isEqualTo("[\"ALL\"]");
        }
        manifests.ofKind("Deployment").forEach(d -> {
            List<String> mounts = StreamSupport.stream(
                            Manifests.container(d).path("volumeMounts").spliterator(), false)
                    .map(m -> m.path("mountPath").asText())
                    .toList();
            assertThat(mounts).contains("/tmp", "/var/cache/tessera/djl", "/etc/tessera");
            assertThat(Manifests.env(d)).containsEntry("DJL_CACHE_DIR", "/var/cache/tessera/djl");
        });
        JsonNode account = manifests.ofKind("ServiceAccount").get(0);
        assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @Test
    void no_secret_value_sits_in_a_config_map() {
        Manifests manifests = render(
                "--set", "orchestrator.database.url=jdbc:postgresql://pg:5432/tessera",
                "--set", "orchestrator.database.password=hunter2-db-password");
        JsonNode secret = manifests.get("Secret", "tessera-orchestrator");
        String adminKey = decode(secret.at("/data/admin-key").asText());
        String dbPassword = decode(secret.at("/data/db-password").asText());
        assertThat(adminKey).hasSize(40);
        assertThat(dbPassword).isEqualTo("hunter2-db-password");
        for (JsonNode configMap : manifests.ofKind("ConfigMap")) {
            assertThat(configMap.toString()).doesNotContain(adminKey).doesNotContain(dbPassword);
        }
        for (JsonNode d : manifests.ofKind("Deployment")) {
            assertThat(d.toString()).doesNotContain(adminKey).doesNotContain(dbPassword);
        }
        JsonNode orchestrator = manifests.get("Deployment", "tessera-orchestrator");
        assertThat(Manifests.envNames(orchestrator))
                .contains("TESSERA_ORCHESTRATOR_AUTH_ADMIN_KEY", "TESSERA_ORCHESTRATOR_LEDGER_PASSWORD");
        assertThat(Manifests.env(orchestrator))
                .doesNotContainKeys("TESSERA_ORCHESTRATOR_AUTH_ADMIN_KEY", "TESSERA_ORCHESTRATOR_LEDGER_PASSWORD");
        // an existing Secret replaces the generated one
        Manifests existing = render("--set", "orchestrator.auth.existingSecret=ops-tessera");
        assertThat(existing.ofKind("Secret")).isEmpty();
        assertThat(existing.get("Deployment", "tessera-orchestrator").toString())
                .contains("\"name\":\"ops-tessera\"");
    }

    @Test
    void the_orchestrator_config_names_each_enabled_familys_headless_service() {
        Manifests manifests = render("--set", "families.slm.enabled=false");
        String properties = manifests
                .get("ConfigMap", "tessera-orchestrator")
                .at("/data/application.properties")
                .asText();
        assertThat(properties)
                .contains(
                        "tessera.orchestrator.backends.stories15m.addresses=dns:///tessera-llm.ai.svc.cluster.local:8081")
                .contains(
                        "tessera.orchestrator.backends.e5-small-v2-q8.addresses=dns:///tessera-mlm.ai.svc.cluster.local:8084")
                .contains("tessera.orchestrator.backends.tool-llm.prices.output-per1k-tokens=120")
                .contains("tessera.orchestrator.routing.semantic.routes.tools.policy=cascade")
                .contains("tessera.orchestrator.auth.require-keys=true")
                .contains("# tool-slm: left out, its family (slm) is disabled")
                .doesNotContain("tessera.orchestrator.backends.tool-slm.family");
        JsonNode llmService = manifests.get("Service", "tessera-llm");
        assertThat(llmService.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(manifests
                        .get("Service", "tessera-orchestrator")
                        .at("/spec/clusterIP")
                        .isMissingNode())
                .isTrue();
    }

    @Test
    void without_a_database_the_ledger_is_an_h2_file_on_a_pvc_and_the_orchestrator_stays_at_one_pod() {
        Manifests h2 = render("--set", "orchestrator.replicaCount=3,orchestrator.autoscaling.enabled=true");
        JsonNode orchestrator = h2.get("Deployment", "tessera-orchestrator");
        assertThat(orchestrator.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(orchestrator.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        assertThat(h2.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(h2.ofKind("PodDisruptionBudget")).isEmpty();
        assertThat(h2.get("PersistentVolumeClaim", "tessera-orchestrator-ledger")
                        .at("/spec/resources/requests/storage")
                        .asText())
                .isEqualTo("1Gi");
        assertThat(h2.get("ConfigMap", "tessera-orchestrator").toString())
                .contains("tessera.orchestrator.ledger.jdbc-url=jdbc:h2:file:/var/lib/tessera/ledger/ledger");
        String notes = K8sTools.run(List.of(
                        K8sTools.helm().toString(),
                        "install",
                        "tessera",
                        K8sTools.CHART.toString(),
                        "--dry-run=client",
                        "--namespace",
                        "ai"))
                .orFail("helm install --dry-run")
                .stdout();
        assertThat(notes).contains("held at one pod").contains("orchestrator.database.url");
        assertThat(notes).contains("kubectl -n ai port-forward service/tessera-orchestrator 8080:8080");
        assertThat(notes).contains("tessera.orchestrator.v1.Orchestrator/Embed");

        Manifests pg = render(
                "--set",
                "orchestrator.replicaCount=3",
                "--set",
                "orchestrator.database.url=jdbc:postgresql://pg:5432/tessera,orchestrator.database.password=x");
        JsonNode scaled = pg.get("Deployment", "tessera-orchestrator");
        assertThat(scaled.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(scaled.at("/spec/strategy").isMissingNode()).isTrue();
        assertThat(pg.ofKind("PersistentVolumeClaim")).isEmpty();
        assertThat(pg.ofKind("PodDisruptionBudget"))
                .extracting(Manifests::component)
                .containsExactly("orchestrator");
        assertThat(pg.get("ConfigMap", "tessera-orchestrator").toString())
                .contains("tessera.orchestrator.ledger.jdbc-url=jdbc:postgresql://pg:5432/tessera")
                .contains("tessera.orchestrator.ledger.username=tessera");
    }

    @Test
    void models_mount_read_only_from_a_pvc_or_an_image_volume() {
        Manifests manifests = render(
                "--set",
                        "families.llm.model.source=pvc,families.llm.model.claimName=llm-models,families.llm.model.subPath=v2",
                "--set", "families.mlm.model.source=image,families.mlm.model.image.reference=registry.example/e5:1",
                "--set", "families.slm.model.path=/opt/models");
        JsonNode llm = manifests.get("Deployment", "tessera-llm");
        assertThat(Manifests.env(llm)).containsEntry("TESSERA_RUNTIME_MODEL_DIR", "/models");
        assertThat(volume(llm, "models").at("/persistentVolumeClaim/claimName").asText())
                .isEqualTo("llm-models");
        assertThat(volume(llm, "models").at("/persistentVolumeClaim/readOnly").asBoolean())
                .isTrue();
        JsonNode mount = mount(llm, "models");
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        assertThat(mount.path("subPath").asText()).isEqualTo("v2");
        JsonNode mlm = manifests.get("Deployment", "tessera-mlm");
        assertThat(volume(mlm, "models").at("/image/reference").asText()).isEqualTo("registry.example/e5:1");
        assertThat(mount(mlm, "models").path("readOnly").asBoolean()).isTrue();
        // bundled: the models in the image, no volume and no model dir
        JsonNode slm = manifests.get("Deployment", "tessera-slm");
        assertThat(Manifests.env(slm)).doesNotContainKey("TESSERA_RUNTIME_MODEL_DIR");
        assertThat(slm.toString()).doesNotContain("\"name\":\"models\"");
    }

    @Test
    void the_helm_test_pod_runs_a_valid_script_that_calls_through_the_orchestrator() throws Exception {
        for (String[] values : List.of(
                new String[] {"--set", "orchestrator.auth.requireKeys=true"},
                new String[] {"--set", "orchestrator.auth.requireKeys=false,families.mlm.enabled=false"})) {
            JsonNode pod = render(values).get("Pod", "tessera-test-call");
            assertThat(pod.at("/metadata/annotations/helm.sh~1hook").asText()).isEqualTo("test");
            JsonNode container = Manifests.container(pod);
            assertThat(container.path("command").toString()).isEqualTo("[\"/bin/sh\",\"-ec\"]");
            String script = container.path("args").path(0).asText();
            var check = K8sTools.run(List.of("sh", "-n", "-c", script));
            assertThat(check.exitCode()).as(check.stderr()).isZero();
            assertThat(script).contains("http://$ORCHESTRATOR/q/health/ready");
            assertThat(Manifests.env(pod)).containsEntry("ORCHESTRATOR", "tessera-orchestrator:8080");
            if (values[1].contains("mlm.enabled=false")) {
                assertThat(script).contains("tessera.orchestrator.v1.Orchestrator/Generate");
                assertThat(Manifests.env(pod)).containsEntry("REQUIRE_KEYS", "false");
            } else {
                assertThat(script)
                        .contains("tessera.orchestrator.v1.Admin/CreateApiKey")
                        .contains("tessera.orchestrator.v1.Orchestrator/Embed")
                        .contains("tessera.orchestrator.v1.Admin/RevokeApiKey");
            }
        }
    }

    private static JsonNode volume(JsonNode deployment, String name) {
        for (JsonNode v : Manifests.podSpec(deployment).path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    private static JsonNode mount(JsonNode deployment, String name) {
        for (JsonNode m : Manifests.container(deployment).path("volumeMounts")) {
            if (m.path("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no volume mount " + name);
    }

    private static List<String> tolerationKeys(JsonNode pod) {
        List<String> keys = new ArrayList<>();
        pod.path("tolerations").forEach(t -> keys.add(t.path("key").asText()));
        return keys;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
