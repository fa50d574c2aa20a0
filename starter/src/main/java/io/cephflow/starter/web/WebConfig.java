package io.cephflow.starter.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/** The request body cap, applied before anything else reads a request. */
@Configuration(proxyBeanMethods = false)
public class WebConfig {
  @Bean
  ProblemWriter problemWriter(ObjectMapper json) {
    return new ProblemWriter(json);
  }

  @Bean
  FilterRegistrationBean<BodyLimitFilter> bodyLimit(@Value("${cephflow.api.limits.max-body-size:64KB}") DataSize max,
                                                    ProblemWriter problems) {
    var r = new FilterRegistrationBean<>(new BodyLimitFilter(max.toBytes(), problems));
    r.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return r;
  }
}
