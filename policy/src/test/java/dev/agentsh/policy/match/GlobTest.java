package dev.agentsh.policy.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "/tmp/**|/tmp/|true",
        "/tmp/**|/tmp/a/b|true",
        "/tmp/**|/tmp|false",
        "**/.env|/home/u/p/.env|true",
        "**/.env|/home/u/p/.envrc|false",
        "**/.env.*|/p/.env.local|true",
        "**/.env.*|/p/.env.local/x|false",
        "/proc/*/environ|/proc/12/environ|true",
        "/proc/*/environ|/proc/12/task/3/environ|false",
        "/usr/bin/*|/usr/bin/git|true",
        "/usr/bin/*|/usr/bin/x/git|false",
        "/etc/ld.so.*|/etc/ld.so.cache|true",
        "/dev/{null,zero}|/dev/zero|true",
        "/dev/{null,zero}|/dev/full|false",
        "/x/[abc]|/x/b|true",
        "/x/[!abc]|/x/b|false",
        "/x/[a-c]?|/x/bz|true",
        "/a\\*b|/a*b|true",
        "/a\\*b|/aXb|false",
        "/{a,b/**}|/b/c/d|true",
        "/a.b|/aXb|false",
        "*.txt|notes.txt|true",
        "*.txt|dir/notes.txt|false",
        "*.txt|.txt|true",
    })
    void pathGlobs(String pattern, String text, boolean expected) throws Exception {
        assertThat(Glob.compile(pattern, '/').matches(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "*.github.com|api.github.com|true",
        "*.github.com|github.com|false",
        "*.github.com|a.b.github.com|false",
        "**.github.com|a.b.github.com|true",
        "*|localhost|true",
    })
    void domainGlobs(String pattern, String text, boolean expected) throws Exception {
        assertThat(Glob.compile(pattern, '.').matches(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        "*-rf*|-rf /|true",
        "*-rf*|x y -rf|true",
        "*-rf*|-r -f|false",
        "install*|install left-pad|true",
        "AWS_*|AWS_SECRET|true",
        "python*|python3.11|true",
    })
    void noSeparatorGlobs(String pattern, String text, boolean expected) throws Exception {
        assertThat(Glob.compile(pattern, Glob.NO_SEPARATOR).matches(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"/x/[abc|never closed", "/x/{a,b|never closed", "/x}|without", "/x\\|escapes nothing"})
    void badGlobsSayWhy(String pattern, String why) {
        assertThatThrownBy(() -> Glob.compile(pattern, '/')).isInstanceOf(GlobSyntaxException.class).hasMessageContaining(why);
    }
}
