package dev.tally.strategy;

import dev.tally.model.Job;
import dev.tally.model.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs a task's filters in the order its strategy names; the first drop ends the chain. */
public final class StrategyChain {
  private final Map<String, StrategyFilter> filters = new LinkedHashMap<>();

  public StrategyChain(List<StrategyFilter> available) {
    available.forEach(f -> filters.put(f.name(), f));
  }

  public static StrategyChain standard() {
    return new StrategyChain(List.of(new EventFilterStrategy(), new GrayStrategy(), new CoalesceStrategy(),
        new DelayStrategy(), new RateLimitStrategy()));
  }

  public Set<String> names() {
    return filters.keySet();
  }

  public StrategyFilter.Admission admit(Job job, Task task, StrategyContext ctx) {
    StrategyFilter.Admission admission = StrategyFilter.Admission.keep(job);
    for (String name : task.strategy().order()) {
      StrategyFilter filter = filters.get(name);
      if (filter == null) throw new IllegalArgumentException("unknown strategy filter " + name);
      admission = filter.admit(admission.job(), task, ctx);
      if (!admission.kept()) return admission;
    }
    return admission;
  }
}
