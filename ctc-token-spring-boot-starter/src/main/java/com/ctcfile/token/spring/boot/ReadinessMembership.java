package com.ctcfile.token.spring.boot;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.core.env.Environment;

/**
 * Makes {@value CtcTokenHealthIndicator#NAME} a member of the health endpoint's {@code readiness}
 * group, as it is, whatever else that group holds: Spring Boot's probe support makes that group with
 * {@code readinessState} alone, and {@code management.endpoint.health.group.readiness.include} would
 * make the application repeat it. The group's {@code exclude} still wins. Other groups, liveness
 * first, are left as they are. Immutable.
 */
final class ReadinessMembership implements HealthEndpointGroupsPostProcessor {

  static final String READINESS = "readiness";
  private static final String EXCLUDE = "management.endpoint.health.group.readiness.exclude";

  private final boolean excluded;

  ReadinessMembership(Environment environment) {
    String exclude = environment.getProperty(EXCLUDE, "");
    this.excluded = Arrays.stream(exclude.split(",")).map(String::trim)
        .anyMatch(name -> name.equals(CtcTokenHealthIndicator.NAME) || name.equals("*"));
  }

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    HealthEndpointGroup readiness = groups.get(READINESS);
    if (readiness == null || excluded) {
      return groups;
    }
    return new Groups(groups, new WithToken(readiness));
  }

  // keeps the additional paths (/readyz, /livez) of Spring Boot's probe groups, which it maps itself
  private record Groups(HealthEndpointGroups groups, HealthEndpointGroup readiness)
      implements HealthEndpointGroups, AdditionalPathsMapper {
    @Override
    public HealthEndpointGroup getPrimary() {
      return groups.getPrimary();
    }

    @Override
    public Set<String> getNames() {
      return groups.getNames();
    }

    @Override
    public HealthEndpointGroup get(String name) {
      return READINESS.equals(name) ? readiness : groups.get(name);
    }

    @Override
    public List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
      return groups instanceof AdditionalPathsMapper mapper
          ? mapper.getAdditionalPaths(endpointId, webServerNamespace) : null;
    }
  }

  private record WithToken(HealthEndpointGroup group) implements HealthEndpointGroup {
    @Override
    public boolean isMember(String name) {
      return CtcTokenHealthIndicator.NAME.equals(name) || group.isMember(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return group.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return group.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return group.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return group.getHttpCodeStatusMapper();
    }

    @Override
    public AdditionalHealthEndpointPath getAdditionalPath() {
      return group.getAdditionalPath();
    }
  }
}
