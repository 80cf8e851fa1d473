package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void printsLikeGoMarshalIndent() {
        StringWriter out = new StringWriter();
        Json.print(new PrintWriter(out), Json.parseOrNull("{\"id\":\"s\",\"args\":[\"-la\",1],\"env\":{},\"none\":[],\"n\":null}"));
        assertThat(out.toString()).isEqualTo("""
                {
                  "id": "s",
                  "args": [
                    "-la",
                    1
                  ],
                  "env": {},
                  "none": [],
                  "n": null
                }
                """);
    }
}
