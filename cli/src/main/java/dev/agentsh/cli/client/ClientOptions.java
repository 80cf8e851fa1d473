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

    /** The server's base URL: http with a host, or unix:// with the absolute path of the server's socket. */
    public URI serverUrl() {
        String source = server != null ? "--server" : "AGENTSH_SERVER";
        String url = server != null ? server.strip() : environment.get("AGENTSH_SERVER");
        if (url == null) {
            return URI.create(DEFAULT_SERVER);
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new ClientException(source + " expects a URL such as " + DEFAULT_SERVER + ", got \"" + url + "\"");
        }
        if ("unix".equals(uri.getScheme())) {
            if (uri.getRawAuthority() != null || uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getPath().length() < 2) {
                throw new ClientException(source + " expects unix:// and the socket's absolute path, such as unix:///run/agentsh.sock, got \"" + url + "\"");
            }
            return uri;
        }
        if ("https".equals(uri.getScheme())) {
            // The agentsh server speaks plain HTTP (on loopback or its unix socket); TLS would need a proxy we do not ship.
            throw new ClientException(source + ": https is not supported; use http://HOST:PORT or unix:///path/to/agentsh.sock, got \"" + url + "\"");
        }
        if ("http".equals(uri.getScheme()) && uri.getHost() != null) {
            return uri;
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
