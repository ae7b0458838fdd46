package dev.tessera.orchestrator.accounts;

import dev.tessera.orchestrator.config.OrchestratorConfig;
import dev.tessera.platform.error.ServiceException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns an {@code authorization} header into a {@link Caller}: {@code Bearer <key>}, the key looked up by its hash and
 * refused when unknown or revoked. Without a header, a call is billed to the local tenant unless keys are required;
 * so is one whose key is not a Tessera key ({@code tsk_...}), since OpenAI's clients refuse to run without some key.
 * The admin key is compared in constant time and opens only the Admin service. Keys never reach a log.
 */
@Singleton
public class Authenticator {

    private static final Logger LOG = Logger.getLogger(Authenticator.class);
    private static final String BEARER = "bearer ";

    private final Accounts accounts;
    private final boolean requireKeys;
    private final Optional<byte[]> adminKeyHash;
    private final String localTenant;

    @Inject
    public Authenticator(Accounts accounts, OrchestratorConfig config) {
        this.accounts = accounts;
        this.requireKeys = config.auth().requireKeys();
        this.adminKeyHash = config.auth()
                .adminKey()
                .filter(k -> !k.isBlank())
                .map(k -> Accounts.hash(k).getBytes(StandardCharsets.US_ASCII));
        this.localTenant = config.auth().localTenant();
        if (!requireKeys) {
            accounts.ensureTenant(localTenant, "calls without an API key (local mode)");
        }
    }

    void announce(@Observes StartupEvent start) {
        if (requireKeys) {
            LOG.info("API keys are required: every call needs 'authorization: Bearer <key>'");
        } else {
            LOG.infof(
                    "local mode: calls without an API key are billed to tenant '%s'; set"
                            + " tessera.orchestrator.auth.require-keys=true to require keys",
                    localTenant);
        }
        if (adminKeyHash.isEmpty()) {
            LOG.info("administration is off: set tessera.orchestrator.auth.admin-key to turn it on");
        }
    }

    /** The caller of a family or routing call. */
    public Caller caller(Optional<String> authorization) {
        if (authorization.isEmpty() || authorization.get().isBlank()) {
            if (requireKeys) {
                throw ServiceException.unauthenticated("an API key is required: send 'authorization: Bearer <key>'");
            }
            return new Caller(localTenant, "", false);
        }
        String key = bearer(authorization.get());
        if (!requireKeys && !key.startsWith(Accounts.KEY_PREFIX) && !isAdmin(key)) {
            // local mode: clients that insist on sending some key (OpenAI's do) work unchanged
            return new Caller(localTenant, "", false);
        }
        if (isAdmin(key)) {
            throw ServiceException.permissionDenied(
                    "the admin key administers; it cannot be billed for calls: use a tenant's key");
        }
        ApiKey found =
                accounts.lookup(key).orElseThrow(() -> ServiceException.unauthenticated("the API key is not valid"));
        if (found.revokedMillis() != 0) {
            throw ServiceException.unauthenticated("the API key " + found.prefix() + "... was revoked");
        }
        return new Caller(found.tenant(), found.id(), false);
    }

    /** Lets an Admin call through, or refuses it. */
    public void requireAdmin(Optional<String> authorization) {
        if (adminKeyHash.isEmpty()) {
            throw ServiceException.permissionDenied(
                    "administration is off: the orchestrator has no tessera.orchestrator.auth.admin-key");
        }
        if (authorization.isEmpty() || authorization.get().isBlank()) {
            throw ServiceException.unauthenticated("administration needs 'authorization: Bearer <admin key>'");
        }
        if (!isAdmin(bearer(authorization.get()))) {
            throw ServiceException.permissionDenied("administration needs the admin key");
        }
    }

    private boolean isAdmin(String key) {
        return adminKeyHash.isPresent()
                && MessageDigest.isEqual(adminKeyHash.get(), Accounts.hash(key).getBytes(StandardCharsets.US_ASCII));
    }

    private static String bearer(String header) {
        String h = header.strip();
        if (h.length() <= BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ServiceException.unauthenticated("the authorization header must be 'Bearer <key>'");
        }
        return h.substring(BEARER.length()).strip();
    }
}
