package dev.agentsh.cli.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The options every server-talking command takes ({@code --server}, {@code --api-key}), mixed into
 * each of them, and the {@link Environment} they run in.
 */
public final class ClientOptions {
    static final String DEFAULT_SERVER = "http://127.0.0.1:18080";

    private final Environment environment;

    @Option(names = "--server", paramLabel = "URL",
            description = "The agentsh server (default: $AGENTSH_SERVER, else " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key, sent as X-API-Key (default: $AGENTSH_API_KEY).")
    String apiKey;

    /** Picocli's constructor: the real environment. */
    public ClientOptions() {
        this(Environment.current());
    }

    public ClientOptions(Environment environment) {
        this.environment = environment;
    }

    public Environment environment() {
        return environment;
    }

    /** The server's base URL: http or https with a host. */
    public URI serverUrl() {
        String source = server != null ? "--server" : "AGENTSH_SERVER";
        String url = server != null ? server.strip() : environment.get("AGENTSH_SERVER");
        if (url == null) {
            return URI.create(DEFAULT_SERVER);
        }
        if (url.startsWith("unix://")) {
            throw new ClientException("unix:// server URLs are not supported by this client yet; use " + DEFAULT_SERVER);
        }
        try {
            URI uri = new URI(url.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, like any other URL we cannot use
        }
        throw new ClientException(source + " expects a URL such as " + DEFAULT_SERVER + ", got \"" + url + "\"");
    }

    public ApiClient api() {
        String key = apiKey != null ? apiKey : environment.get("AGENTSH_API_KEY");
        return new ApiClient(serverUrl(), key, environment.get("TRACEPARENT"));
    }

    /** Runs one conversation with the server and closes the connection afterwards. */
    public <T> T withApi(Function<ApiClient, T> conversation) {
        try (ApiClient api = api()) {
            return conversation.apply(api);
        }
    }
}
