{%- assign has_web = false -%}{%- if containers contains 'web_app' -%}{%- assign has_web = true -%}{%- endif -%}
{%- assign has_mobile = false -%}{%- if containers contains 'mobile_app' -%}{%- assign has_mobile = true -%}{%- endif -%}
{%- assign has_api = false -%}{%- if containers contains 'api' -%}{%- assign has_api = true -%}{%- endif -%}
{%- assign has_worker = false -%}{%- if containers contains 'worker' -%}{%- assign has_worker = true -%}{%- endif -%}
{%- assign s = system_id -%}
{%- if has_api -%}{%- assign core = s | append: '.api' -%}
{%- elsif has_web -%}{%- assign core = s | append: '.webApp' -%}
{%- elsif has_worker -%}{%- assign core = s | append: '.worker' -%}
{%- else -%}{%- assign core = s -%}{%- endif -%}
{%- if has_worker -%}{%- assign background = s | append: '.worker' -%}{%- else -%}{%- assign background = core -%}{%- endif -%}
/*
 * C4 model of {{ system_name }} in Structurizr DSL.
 * View it with Structurizr Lite (`docker compose up`, then http://localhost:8080)
 * or export it with the Structurizr CLI (`make export`).
 */
workspace "{{ system_name }}" "C4 model of {{ system_name }}." {

    !identifiers hierarchical

    model {
        customer = person "Customer" "A person who uses {{ system_name }}."
        operator = person "Support operator" "Staff who help customers and manage accounts."

        {{ s }} = softwareSystem "{{ system_name }}" "The system described by this workspace." {
{%- if has_web %}
            webApp = container "Web application" "Delivers the user interface to browsers." "TypeScript, React" "Web Browser"
{%- endif %}
{%- if has_mobile %}
            mobileApp = container "Mobile app" "Native app for iOS and Android." "Swift, Kotlin" "Mobile App"
{%- endif %}
{%- if has_api %}
            api = container "API" "Business logic, exposed as a JSON/HTTPS API." "Service runtime" {
                auth = component "Authentication" "Validates access tokens and resolves the caller's roles." "Middleware"
                controllers = component "Request handlers" "Validate input and map HTTP to use cases." "HTTP controllers"
                services = component "Domain services" "Implement the business rules and transactions." "Application services"
                repositories = component "Repositories" "Load and store aggregates; hide the database schema." "Data access"
{%- if containers contains 'message_broker' %}
                publisher = component "Event publisher" "Publishes domain events after each committed transaction (outbox)." "Messaging"
{%- endif %}
            }
{%- endif %}
{%- if has_worker %}
            worker = container "Background worker" "Runs asynchronous jobs: notifications, exports, integrations." "Queue consumer"
{%- endif %}
{%- if containers contains 'database' %}
            database = container "Database" "Stores accounts, business records and the audit trail." "PostgreSQL" "Database"
{%- endif %}
{%- if containers contains 'cache' %}
            cache = container "Cache" "Holds sessions and frequently read data." "Redis" "Cache"
{%- endif %}
{%- if containers contains 'message_broker' %}
            broker = container "Message broker" "Carries domain events and jobs between containers." "RabbitMQ" "Queue"
{%- endif %}
        }
{%- if external_systems contains 'identity_provider' %}
        identityProvider = softwareSystem "Identity provider" "Authenticates users (OpenID Connect)." "External"
{%- endif %}
{%- if external_systems contains 'payment_provider' %}
        paymentProvider = softwareSystem "Payment provider" "Processes card payments and refunds." "External"
{%- endif %}
{%- if external_systems contains 'email_service' %}
        emailService = softwareSystem "Email service" "Delivers transactional email." "External"
{%- endif %}
{%- if external_systems contains 'analytics' %}
        analytics = softwareSystem "Product analytics" "Collects usage events for product decisions." "External"
{%- endif %}

        # People
{%- if has_web %}
        customer -> {{ s }}.webApp "Uses" "HTTPS"
        operator -> {{ s }}.webApp "Manages accounts with" "HTTPS"
{%- endif %}
{%- if has_mobile %}
        customer -> {{ s }}.mobileApp "Uses"
{%- endif %}
{%- unless has_web or has_mobile %}
        customer -> {{ core }} "Uses" "HTTPS"
        operator -> {{ core }} "Manages accounts with" "HTTPS"
{%- endunless %}

        # Containers
{%- if has_api %}
{%- if has_web %}
        {{ s }}.webApp -> {{ s }}.api.controllers "Makes API calls to" "JSON/HTTPS"
{%- endif %}
{%- if has_mobile %}
        {{ s }}.mobileApp -> {{ s }}.api.controllers "Makes API calls to" "JSON/HTTPS"
{%- endif %}
        {{ s }}.api.controllers -> {{ s }}.api.auth "Authorises requests with"
        {{ s }}.api.controllers -> {{ s }}.api.services "Invokes"
        {{ s }}.api.services -> {{ s }}.api.repositories "Loads and stores data through"
{%- if containers contains 'database' %}
        {{ s }}.api.repositories -> {{ s }}.database "Reads from and writes to" "SQL/TLS"
{%- endif %}
{%- if containers contains 'cache' %}
        {{ s }}.api.services -> {{ s }}.cache "Caches data in" "RESP/TLS"
{%- endif %}
{%- if containers contains 'message_broker' %}
        {{ s }}.api.services -> {{ s }}.api.publisher "Emits domain events through"
        {{ s }}.api.publisher -> {{ s }}.broker "Publishes events to" "AMQP"
{%- endif %}
{%- endif %}
{%- if has_worker %}
{%- if containers contains 'message_broker' %}
        {{ s }}.broker -> {{ s }}.worker "Delivers jobs to" "AMQP"
{%- endif %}
{%- if containers contains 'database' %}
        {{ s }}.worker -> {{ s }}.database "Reads from and writes to" "SQL/TLS"
{%- endif %}
{%- endif %}
{%- if has_api == false and has_web and containers contains 'database' %}
        {{ s }}.webApp -> {{ s }}.database "Reads from and writes to" "SQL/TLS"
{%- endif %}

        # External systems
{%- if external_systems contains 'identity_provider' %}
{%- if has_web %}
        {{ s }}.webApp -> identityProvider "Signs users in with" "OIDC"
{%- endif %}
{%- if has_api %}
        {{ s }}.api.auth -> identityProvider "Fetches signing keys from" "JWKS/HTTPS"
{%- elsif has_web == false %}
        {{ core }} -> identityProvider "Authenticates users with" "OIDC"
{%- endif %}
{%- endif %}
{%- if external_systems contains 'payment_provider' %}
{%- if has_api %}
        {{ s }}.api.services -> paymentProvider "Takes payments through" "HTTPS"
{%- else %}
        {{ core }} -> paymentProvider "Takes payments through" "HTTPS"
{%- endif %}
{%- endif %}
{%- if external_systems contains 'email_service' %}
        {{ background }} -> emailService "Sends email through" "HTTPS"
        emailService -> customer "Delivers email to"
{%- endif %}
{%- if external_systems contains 'analytics' %}
{%- if has_web %}
        {{ s }}.webApp -> analytics "Sends usage events to" "HTTPS"
{%- else %}
        {{ core }} -> analytics "Sends usage events to" "HTTPS"
{%- endif %}
{%- endif %}

        production = deploymentEnvironment "Production" {
{%- case deployment_target %}
{%- when 'kubernetes' %}
            deploymentNode "Cloud region" "" "Managed cloud" {
                deploymentNode "Kubernetes cluster" "" "Kubernetes" {
{%- for container in containers %}
{%- case container %}
{%- when 'web_app' %}
                    deploymentNode "web" "Static assets behind the ingress" "Deployment, 2+ replicas" {
                        containerInstance {{ s }}.webApp
                    }
{%- when 'api' %}
                    deploymentNode "api" "Horizontally autoscaled" "Deployment, 3+ replicas" {
                        containerInstance {{ s }}.api
                    }
{%- when 'worker' %}
                    deploymentNode "worker" "Scaled on queue depth" "Deployment" {
                        containerInstance {{ s }}.worker
                    }
{%- endcase %}
{%- endfor %}
                }
{%- if containers contains 'database' %}
                deploymentNode "Managed PostgreSQL" "Multi-AZ with point-in-time recovery" "Managed database" {
                    containerInstance {{ s }}.database
                }
{%- endif %}
{%- if containers contains 'cache' %}
                deploymentNode "Managed Redis" "" "Managed cache" {
                    containerInstance {{ s }}.cache
                }
{%- endif %}
{%- if containers contains 'message_broker' %}
                deploymentNode "Managed broker" "" "Managed message broker" {
                    containerInstance {{ s }}.broker
                }
{%- endif %}
            }
{%- when 'serverless' %}
            deploymentNode "Cloud region" "" "Managed cloud" {
{%- if has_web %}
                deploymentNode "CDN" "Static hosting at the edge" "CDN" {
                    containerInstance {{ s }}.webApp
                }
{%- endif %}
{%- if has_api %}
                deploymentNode "Functions" "API gateway in front of functions" "Serverless functions" {
                    containerInstance {{ s }}.api
                }
{%- endif %}
{%- if has_worker %}
                deploymentNode "Queue-triggered functions" "" "Serverless functions" {
                    containerInstance {{ s }}.worker
                }
{%- endif %}
{%- if containers contains 'database' %}
                deploymentNode "Serverless PostgreSQL" "" "Managed database" {
                    containerInstance {{ s }}.database
                }
{%- endif %}
{%- if containers contains 'cache' %}
                deploymentNode "Managed Redis" "" "Managed cache" {
                    containerInstance {{ s }}.cache
                }
{%- endif %}
{%- if containers contains 'message_broker' %}
                deploymentNode "Managed queue" "" "Managed message broker" {
                    containerInstance {{ s }}.broker
                }
{%- endif %}
            }
{%- else %}
            deploymentNode "Data centre" "" "Virtual machines" {
{%- if has_web or has_api %}
                deploymentNode "Application servers" "Behind a load balancer" "Linux VM" "" 2 {
{%- if has_web %}
                    containerInstance {{ s }}.webApp
{%- endif %}
{%- if has_api %}
                    containerInstance {{ s }}.api
{%- endif %}
                }
{%- endif %}
{%- if has_worker %}
                deploymentNode "Worker servers" "" "Linux VM" {
                    containerInstance {{ s }}.worker
                }
{%- endif %}
{%- if containers contains 'database' %}
                deploymentNode "Database servers" "Primary and streaming replica" "Linux VM" "" 2 {
                    containerInstance {{ s }}.database
                }
{%- endif %}
{%- if containers contains 'cache' %}
                deploymentNode "Cache server" "" "Linux VM" {
                    containerInstance {{ s }}.cache
                }
{%- endif %}
{%- if containers contains 'message_broker' %}
                deploymentNode "Broker servers" "" "Linux VM" {
                    containerInstance {{ s }}.broker
                }
{%- endif %}
            }
{%- endcase %}
        }
    }

    views {
        systemContext {{ s }} "SystemContext" "Who uses {{ system_name }} and what it depends on." {
            include *
            autolayout lr
        }

        container {{ s }} "Containers" "The deployable units and data stores of {{ system_name }}." {
            include *
            autolayout lr
        }
{%- if has_api %}

        component {{ s }}.api "ApiComponents" "Inside the API container." {
            include *
            autolayout lr
        }
{%- endif %}

        deployment {{ s }} production "Production" "How {{ system_name }} runs in production." {
            include *
            autolayout lr
        }

        styles {
            element "Person" {
                shape Person
                background #08427b
                color #ffffff
            }
            element "Software System" {
                background #1168bd
                color #ffffff
            }
            element "Container" {
                background #438dd5
                color #ffffff
            }
            element "Component" {
                background #85bbf0
                color #000000
            }
            element "External" {
                background #999999
                color #ffffff
            }
            element "Web Browser" {
                shape WebBrowser
            }
            element "Mobile App" {
                shape MobileDevicePortrait
            }
            element "Database" {
                shape Cylinder
            }
            element "Cache" {
                shape Cylinder
            }
            element "Queue" {
                shape Pipe
            }
        }
    }
}
