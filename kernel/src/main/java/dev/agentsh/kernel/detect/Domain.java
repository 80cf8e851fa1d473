package dev.agentsh.kernel.detect;

/** The five protection domains of the original's score, with its weights (they add up to 100). */
public enum Domain {
    FILE_PROTECTION("File Protection", 25),
    COMMAND_CONTROL("Command Control", 25),
    NETWORK("Network", 20),
    RESOURCE_LIMITS("Resource Limits", 15),
    ISOLATION("Isolation", 15);

    private final String title;
    private final int weight;

    Domain(String title, int weight) {
        this.title = title;
        this.weight = weight;
    }

    public String title() {
        return title;
    }

    public int weight() {
        return weight;
    }
}
