package io.tiergate;

import io.tiergate.lifecycle.TerminationSignal;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point of the tiergate JSON-RPC gateway. Spring Security guards the management port only (see
 * io.tiergate.admin.web.AdminSecurity, in the management context); Boot's own reactive security would
 * put a login in front of the JSON-RPC port, so it is left out here.
 */
@SpringBootApplication(exclude = {ReactiveWebSecurityAutoConfiguration.class,
        ReactiveManagementWebSecurityAutoConfiguration.class, ReactiveUserDetailsServiceAutoConfiguration.class})
@ConfigurationPropertiesScan
public class TiergateApplication {

    public static void main(String[] args) {
        TerminationSignal.install(SpringApplication.run(TiergateApplication.class, args));
    }
}
