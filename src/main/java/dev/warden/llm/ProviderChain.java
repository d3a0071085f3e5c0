package dev.warden.llm;

import dev.warden.config.LlmConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured providers in order: a call goes to the first whose circuit lets it through and
 * falls over to the next when one fails after its retries. When none answers the caller gets an
 * {@link LlmUnavailableException} saying what still works without the model.
 */
public final class ProviderChain {
    private static final Logger log = LoggerFactory.getLogger(ProviderChain.class);

    private final List<ResilientProvider> providers;

    public ProviderChain(List<ResilientProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /** One LangChain4j provider per configured entry, each with its own time limit, retry and circuit. */
    public static ProviderChain of(LlmConfig config, ResilienceSettings settings, LlmObserver observer) {
        return new ProviderChain(config.providers().stream()
                .map(p -> new ResilientProvider(LangChain4jProvider.of(p), p.timeout(), settings, observer))
                .toList());
    }

    public List<ResilientProvider> providers() {
        return providers;
    }

    public boolean configured() {
        return !providers.isEmpty();
    }

    public LlmResponse chat(LlmRequest request) {
        return firstThatAnswers(p -> p.chat(request));
    }

    /** Streams from the first provider that answers; see {@link ResilientProvider#stream}. */
    public LlmResponse stream(LlmRequest request, Consumer<String> onToken) {
        return firstThatAnswers(p -> p.stream(request, onToken));
    }

    private LlmResponse firstThatAnswers(Function<ResilientProvider, LlmResponse> call) {
        var failures = new ArrayList<LlmUnavailableException.ProviderFailure>();
        for (int i = 0; i < providers.size(); i++) {
            var provider = providers.get(i);
            try {
                return call.apply(provider);
            } catch (ResilientProvider.StreamInterrupted e) {
                throw e;
            } catch (RuntimeException e) {
                var failure = CallFailure.of(e);
                var next = i + 1 < providers.size() ? "trying " + providers.get(i + 1).name() : "no provider left";
                // The provider's name and the kind of failure only: messages may quote request bodies.
                if (failure == CallFailure.CIRCUIT_OPEN) {
                    log.debug("LLM provider {} skipped, its circuit is open; {}", provider.name(), next);
                } else {
                    log.warn("LLM provider {} failed ({}); {}", provider.name(), failure.label(), next);
                }
                failures.add(new LlmUnavailableException.ProviderFailure(provider.name(), failure, e.getMessage()));
            }
        }
        throw new LlmUnavailableException(failures);
    }
}
