package io.cephflow.starter.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cephflow.starter.api.ApiLimits;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The request body cap, applied before anything else reads a request. */
@Configuration(proxyBeanMethods = false)
public class WebConfig {
  @Bean
  ProblemWriter problemWriter(ObjectMapper json) {
    return new ProblemWriter(json);
  }

  @Bean
  FilterRegistrationBean<BodyLimitFilter> bodyLimit(ApiLimits limits, ProblemWriter problems) {
    var r =
        new FilterRegistrationBean<>(new BodyLimitFilter(limits.maxBodySize().toBytes(), problems));
    r.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return r;
  }
}
