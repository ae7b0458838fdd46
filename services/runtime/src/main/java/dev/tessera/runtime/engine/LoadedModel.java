package dev.tessera.runtime.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.runtime.model.ModelLoadException;
import dev.tessera.runtime.model.ModelManifest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model whose session is open: its manifest and the names, types and shapes of its tensors, as OIP v2 metadata and
 * inference need them.
 *
 * @param manifest the verified manifest
 * @param session the ONNX Runtime session, safe for concurrent runs
 * @param inputs the session's input tensors in declaration order
 * @param outputs the session's output tensors in declaration order
 */
public record LoadedModel(
        ModelManifest manifest, OrtSession session, Map<String, TensorInfo> inputs, Map<String, TensorInfo> outputs) {

    /** Reads the tensor metadata of an open session. */
    public static LoadedModel of(ModelManifest manifest, OrtSession session) {
        try {
            return new LoadedModel(
                    manifest,
                    session,
                    tensors(manifest, session.getInputInfo()),
                    tensors(manifest, session.getOutputInfo()));
        } catch (OrtException e) {
            throw new ModelLoadException("cannot read tensor info of model '" + manifest.name() + "'", e);
        }
    }

    private static Map<String, TensorInfo> tensors(ModelManifest manifest, Map<String, NodeInfo> nodes) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        nodes.forEach((name, node) -> {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw new ModelLoadException("model '" + manifest.name() + "' has non-tensor value '" + name + "'");
            }
            out.put(name, info);
        });
        return out;
    }

    public String name() {
        return manifest.name();
    }

    /** The version OIP v2 reports; "1" when the manifest gives none. */
    public String version() {
        return manifest.version() == null || manifest.version().isBlank() ? "1" : manifest.version();
    }

    /** Closes the session; called once, by the family model that opened it and owns it. */
    public void closeSession() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the session of model '" + name() + "'", e);
        }
    }
}
