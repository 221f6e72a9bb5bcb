package io.tiergate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the tiergate JSON-RPC gateway. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TiergateApplication {

    public static void main(String[] args) {
        SpringApplication.run(TiergateApplication.class, args);
    }
}
