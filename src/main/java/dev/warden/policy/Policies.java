package dev.warden.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force: {@code DATA/policy.yaml} for every project, unless the project has its own
 * {@code DATA/projects/NAME/policy.yaml}. Project files are found at start and whenever one
 * appears; each is watched like the main one. A project file that has never validated refuses
 * everything for its project (fail closed), and says why.
 */
public final class Policies implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Policies.class);
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final PolicyFile main;
    private final Path projectsDir;
    private final Clock clock;
    private final Map<String, PolicyFile> projects = new ConcurrentHashMap<>();
    private volatile Thread watcher;

    /** {@code main} must be valid; {@code projectsDir} may not exist yet. */
    public Policies(PolicyFile main, Path projectsDir, Clock clock) {
        this.main = main;
        this.projectsDir = projectsDir;
        this.clock = clock;
        discover((project, reload) -> { });
    }

    /** The policy that decides for {@code project}'s principals. */
    public Policy forProject(String project) {
        var own = projects.get(project);
        return own == null ? main.current() : own.current();
    }

    public PolicyFile main() {
        return main;
    }

    /** Projects with a policy file of their own. */
    public Map<String, PolicyFile> projects() {
        return Map.copyOf(projects);
    }

    /**
     * Checks every file each {@code interval}, and the projects directory for new ones; each
     * attempt goes to {@code onReload} with its project (null for the main file).
     */
    public Policies watch(Duration interval, BiConsumer<String, PolicyFile.Reload> onReload) {
        watcher = Thread.ofVirtual().name("warden-policy-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                    var reload = main.reloadIfChanged();
                    if (reload != null) onReload.accept(null, reload);
                    for (var e : projects.entrySet()) {
                        var r = e.getValue().reloadIfChanged();
                        if (r != null) onReload.accept(e.getKey(), r);
                    }
                    discover(onReload);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("checking the policy files failed", e);
                }
            }
        });
        return this;
    }

    private void discover(BiConsumer<String, PolicyFile.Reload> onReload) {
        if (!Files.isDirectory(projectsDir)) return;
        var found = new ArrayList<Path>();
        try (var dirs = Files.list(projectsDir)) {
            dirs.filter(d -> PROJECT.matcher(d.getFileName().toString()).matches())
                    .map(d -> d.resolve("policy.yaml")).filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException e) {
            log.warn("cannot list {}: {}", projectsDir, e.toString());
            return;
        }
        for (var file : found) {
            var project = file.getParent().getFileName().toString();
            if (projects.containsKey(project)) continue;
            var holder = PolicyFile.failClosed(file, clock);
            projects.put(project, holder);
            onReload.accept(project, holder.lastReload());
            if (!holder.lastReload().applied()) {
                log.error("the policy of project {} ({}) has problems; the project refuses everything until it is fixed: {}",
                        project, file, holder.lastReload().problems());
            }
        }
    }

    /** Every file in force, main first: for status pages. */
    public List<PolicyFile> files() {
        var all = new ArrayList<PolicyFile>();
        all.add(main);
        all.addAll(projects.values());
        return all;
    }

    @Override
    public void close() {
        if (watcher != null) watcher.interrupt();
        main.close();
    }
}
