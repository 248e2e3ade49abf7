"""Advanced Hunting tables and their columns, transcribed from the Microsoft Defender XDR docs.

Source: MicrosoftDocs/defender-docs, `defender-xdr/advanced-hunting-<table>-table.md` (one
page per table; the table list is `advanced-hunting-schema-tables.md`, 02/05/2026). Columns
are in the documented order with their KQL types. Deliberate choices where the pages are
silent or inconsistent:

- DeviceProcessEvents ends with the eight session columns of the 09/06/2024 page (the same
  block DeviceEvents has), DeviceImageLoadEvents with the four initiating-process session
  columns of its 09/06/2024 page (41 columns); DeviceInfo ends with the three cloud resource
  columns added after 01/16/2024 (AzureResourceId, AwsResourceName, GcpFullResourceName).
- GraphApiAuditEvents.Timestamp is typed `string` on its page; it is a `datetime` here, like
  every other Timestamp, since queries compare it with `ago()`.
- Doc type spellings map to KQL types: boolean/nullable bool -> bool, integer -> int,
  array/object -> dynamic, enum -> string.

Data format below: a table name, then its columns as `Name[:type]` (no type = string);
`~X` abbreviates `InitiatingProcessX`.
"""

from __future__ import annotations

_TABLES = """
AADSignInEventsBeta
    Timestamp:datetime Application ApplicationId LogonType ErrorCode:int CorrelationId SessionId
    AccountDisplayName AccountObjectId AccountUpn IsExternalUser:int IsGuestUser:bool
    AlternateSignInName LastPasswordChangeTimestamp:datetime ResourceDisplayName ResourceId
    ResourceTenantId DeviceName AadDeviceId EntraIdDeviceId OSPlatform DeviceTrustType IsManaged:int
    IsCompliant:int AuthenticationProcessingDetails AuthenticationRequirement TokenIssuerType:int
    RiskLevelAggregated:int RiskLevelDuringSignIn:int RiskEventTypes RiskDetails:int RiskState:int
    UserAgent ClientAppUsed Browser
    ConditionalAccessPolicies ConditionalAccessStatus:int IPAddress Country State City Latitude
    Longitude NetworkLocationDetails RequestId ReportId EndpointCall
AADSpnSignInEventsBeta
    Timestamp:datetime Application ApplicationId IsManagedIdentity:bool ErrorCode:int CorrelationId
    ServicePrincipalName ServicePrincipalId ResourceDisplayName ResourceId ResourceTenantId
    IPAddress Country State City Latitude Longitude RequestId ReportId
AIAgentsInfo
    Timestamp:datetime AIAgentId:guid AIAgentName AgentCreationTime:datetime CreatorAccountUpn
    OwnerAccountUpns LastModifiedByUpn LastModifiedTime:datetime LastPublishedTime:datetime
    LastPublishedByUpn AgentDescription AgentStatus UserAuthenticationType AgentUsers
    KnowledgeDetails AgentActionTriggers RawAgentInfo AuthenticationTrigger AccessControlPolicy
    AuthorizedSecurityGroupIds:dynamic AgentTopicsDetails:dynamic AgentToolsDetails:dynamic
    EnvironmentId Platform
AlertEvidence
    Timestamp:datetime AlertId Title Categories AttackTechniques ServiceSource DetectionSource
    EntityType EvidenceRole EvidenceDirection FileName FolderPath SHA1 SHA256 FileSize:long
    ThreatFamily RemoteIP RemoteUrl AccountName AccountDomain AccountSid AccountObjectId AccountUpn
    DeviceId DeviceName LocalIP NetworkMessageId EmailSubject Application ApplicationId:int
    OAuthApplicationId ProcessCommandLine RegistryKey RegistryValueName RegistryValueData
    AdditionalFields Severity CloudResource CloudPlatform ResourceType ResourceID SubscriptionId
AlertInfo
    Timestamp:datetime AlertId Title Category Severity ServiceSource DetectionSource
    AttackTechniques
BehaviorEntities
    Timestamp:datetime BehaviorId ActionType Categories ServiceSource DetectionSource DataSources
    EntityType EntityRole DetailedEntityRole FileName FolderPath SHA1 SHA256 FileSize:long
    ThreatFamily RemoteIP RemoteUrl AccountName AccountDomain AccountSid AccountObjectId AccountUpn
    DeviceId DeviceName LocalIP NetworkMessageId EmailSubject EmailClusterId Application
    ApplicationId:int OAuthApplicationId ProcessCommandLine RegistryKey RegistryValueName
    RegistryValueData AdditionalFields
BehaviorInfo
    Timestamp:datetime BehaviorId ActionType Description Categories AttackTechniques ServiceSource
    DetectionSource DataSources DeviceId AccountUpn AccountObjectId StartTime:datetime
    EndTime:datetime AdditionalFields Title
CampaignInfo
    Timestamp:datetime CampaignName CampaignId CampaignType CampaignSubtype NetworkMessageId
    RecipientEmailAddress ReportId
CloudAppEvents
    Timestamp:datetime ActionType Application ApplicationId:int AppInstanceId:int AccountObjectId
    AccountId AccountDisplayName IsAdminOperation:bool DeviceType OSPlatform IPAddress
    IsAnonymousProxy:bool CountryCode City Isp UserAgent ActivityType ActivityObjects:dynamic
    ObjectName ObjectType ObjectId ReportId AccountType IsExternalUser:bool IsImpersonated:bool
    IPTags:dynamic IPCategory UserAgentTags:dynamic RawEventData:dynamic AdditionalFields:dynamic
    LastSeenForUser:dynamic UncommonForUser:dynamic AuditSource SessionData:dynamic OAuthAppId
CloudAuditEvents
    Timestamp:datetime ReportId DataSource ActionType OperationName ResourceId IPAddress
    IsAnonymousProxy:bool CountryCode City Isp UserAgent RawEventData:dynamic
    AdditionalFields:dynamic
CloudDnsEvents
    Timestamp:datetime ReportId ActionType AzureResourceId AwsResourceName GcpFullResourceName
    KubernetesResource KubernetesNamespace KubernetesPodName ContainerName ContainerId ImageName
    ProcessName ProcessId:long DnsEventType DnsEventSubType DnsQuery DnsQueryTypeName
    DnsResponseCodeName DnsNetworkDuration:long TransactionIdHex ImageDigest Region HostName
    AdditionalFields:dynamic
CloudProcessEvents
    Timestamp:datetime AzureResourceId AwsResourceName GcpFullResourceName ContainerImageName
    KubernetesNamespace KubernetesPodName KubernetesResource ContainerName ContainerId ActionType
    FileName FolderPath ProcessId:long ProcessName ParentProcessName ParentProcessId
    ProcessCommandLine ProcessCreationTime:datetime ProcessCurrentWorkingDirectory AccountName
    LogonId:long ~Id AdditionalFields
CloudStorageAggregatedEvents
    DataAggregationStartTime:datetime DataAggregationEndTime:datetime DataSource SubscriptionId
    ResourceGroup StorageAccount StorageContainer StorageFileShare ServiceType IpAddress
    UserAgentHeader OperationNamesList:dynamic AuthenticationType AccountObjectId
    AccountTenantId:long AccountApplicationId AccountUpn AccountType:long OperationsCount:int
    SuccessfulOperationsCount:int FailedOperationsCount:int FirstEventTimestamp:datetime
    LastEventTimestamp:datetime TotalResponseLength:int SuccessfulReadOperations:int
    DistinctGetOperations:int AnonymousSuccessfulOperations:int
    HasAnonymousResourceNotFoundFailures:bool CountryName CityName ProvinceName
    ClientSystemServiceName ClientCloudPlatformName IsTorExitNode:bool IsKnownSuspiciousIp:bool
    IsPrivateIp:bool SuspiciousUserAgentName HashReputationMd5List:dynamic AzureResourceId Location
    Timestamp:datetime ReportId ActionType AdditionalFields:dynamic
DataSecurityBehaviors
    Timestamp:datetime BehaviorId ActionType StartTime:datetime EndTime:datetime AttackTechniques
    Categories ActionCategory Description ServiceSource DetectionSource ActivityCount:int
    IsAnomalous:bool IsContentHidden:bool AccountUpn AccountEmail Application DeviceInfo:dynamic
    SensitivityLabelInfo:dynamic SensitiveInfoTypesInfo:dynamic UrlDomainInfo:dynamic
    SharepointSiteInfo:dynamic RecipientEmailInfo:dynamic RemovableMediaInfo:dynamic
    PrinterName:dynamic PriorityContentMatchInfo:dynamic
DataSecurityEvents
    ApplicationNames DeviceId DeviceName AadDeviceId:guid IsManagedDevice:bool DlpPolicyMatchInfo
    DlpPolicyEnforcementMode:int DlpPolicyRuleMatchInfo:dynamic FileRenameInfo PhysicalAccessPointId
    PhysicalAccessPointName PhysicalAccessStatus PhysicalAssetTag RemovableMediaManufacturer
    RemovableMediaModel RemovableMediaSerialNumber TeamsChannelName TeamsChannelType TeamsTeamName
    UserAlternateEmails AccountUpn AccountObjectId Department SourceCodeInfo
    CcPolicyMatchInfo:dynamic IPAddress Timestamp:datetime DeviceSourceLocationType:int
    DeviceDestinationLocationType:int IrmPolicyMatchInfo:dynamic UnallowedUrlDomains
    ExternalUrlDomains UrlDomainInfo SourceUrlDomain TargetUrlDomain EmailAttachmentCount:int
    EmailAttachmentInfo:dynamic InternetMessageId NetworkMessageId:guid EmailSubject ObjectId
    ObjectName ObjectType ObjectSize:int IsHidden:bool ActivityId:guid ActionType
    SensitiveInfoTypeInfo:dynamic SensitivityLabelId SharepointSiteSensitivityLabelIds
    PreviousSensitivityLabelId Operation RecipientEmailAddress SiteUrl SourceRelativeUrl
    TargetFilePath PrinterName Workload IrmActionCategory SequenceCorrelationId CloudAppAlertId
DeviceBaselineComplianceAssessment
    DeviceId DeviceName OSPlatform OSVersion ConfigurationId ProfileId IsCompliant:bool
    IsApplicable:bool Source:dynamic RecommendedValue:dynamic CurrentValue:dynamic IsExempt:bool
DeviceBaselineComplianceAssessmentKB
    ConfigurationId ConfigurationName ConfigurationDescription ConfigurationRationale
    ConfigurationCategory BenchmarkProfileLevels:dynamic CCEReference RemediationOptions
    ConfigurationBenchmark Source:dynamic RecommendedValue:dynamic
DeviceBaselineComplianceProfiles
    ProfileId ProfileName ProfileDescription OSPlatform:dynamic OSVersion BaseBenchmark
    BenchmarkVersion BenchmarkProfileLevel Status:bool CreatedBy CreatedOn:datetime LastUpdatedBy
    LastUpdatedOn:datetime
DeviceEvents
    Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5
    FileSize:long AccountDomain AccountName AccountSid RemoteUrl RemoteDeviceName ProcessId:long
    ProcessCommandLine ProcessCreationTime:datetime ProcessTokenElevation LogonId:long RegistryKey
    RegistryValueName RegistryValueData RemoteIP RemotePort:int LocalIP LocalPort:int FileOriginUrl
    FileOriginIP ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long ~FolderPath ~Id:long ~CommandLine
    ~CreationTime:datetime ~AccountDomain ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId
    ~VersionInfoCompanyName ~VersionInfoProductName ~VersionInfoProductVersion
    ~VersionInfoInternalFileName ~VersionInfoOriginalFileName ~VersionInfoFileDescription
    ~ParentId:long ~ParentFileName ~ParentCreationTime:datetime ~LogonId:long ReportId:long
    AppGuardContainerId AdditionalFields ~SessionId:long IsInitiatingProcessRemoteSession:bool
    ~RemoteSessionDeviceName ~RemoteSessionIP CreatedProcessSessionId:long
    IsProcessRemoteSession:bool ProcessRemoteSessionDeviceName ProcessRemoteSessionIP
DeviceFileCertificateInfo
    Timestamp:datetime DeviceId DeviceName SHA1 IsSigned:bool SignatureType Signer SignerHash Issuer
    IssuerHash CertificateSerialNumber CrlDistributionPointUrls CertificateCreationTime:datetime
    CertificateExpirationTime:datetime CertificateCountersignatureTime:datetime IsTrusted:bool
    IsRootSignerMicrosoft:bool ReportId:long
DeviceFileEvents
    Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5
    FileOriginUrl FileOriginReferrerUrl FileOriginIP PreviousFolderPath PreviousFileName
    FileSize:long ~AccountDomain ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId ~MD5 ~SHA1
    ~SHA256 ~FolderPath ~FileName ~FileSize:long ~VersionInfoCompanyName ~VersionInfoProductName
    ~VersionInfoProductVersion ~VersionInfoInternalFileName ~VersionInfoOriginalFileName
    ~VersionInfoFileDescription ~Id:long ~CommandLine ~CreationTime:datetime ~IntegrityLevel
    ~TokenElevation ~ParentId:long ~ParentFileName ~ParentCreationTime:datetime RequestProtocol
    RequestSourceIP RequestSourcePort:int RequestAccountName RequestAccountDomain RequestAccountSid
    ShareName SensitivityLabel SensitivitySubLabel IsAzureInfoProtectionApplied:bool ReportId:long
    AppGuardContainerId AdditionalFields ~SessionId:long IsInitiatingProcessRemoteSession:bool
    ~RemoteSessionDeviceName ~RemoteSessionIP
DeviceImageLoadEvents
    Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5
    FileSize:long ~AccountDomain ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId
    ~IntegrityLevel ~TokenElevation ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long
    ~VersionInfoCompanyName ~VersionInfoProductName ~VersionInfoProductVersion
    ~VersionInfoInternalFileName ~VersionInfoOriginalFileName ~VersionInfoFileDescription ~Id:long
    ~CommandLine ~CreationTime:datetime ~FolderPath ~ParentId:long ~ParentFileName
    ~ParentCreationTime:datetime ReportId:long AppGuardContainerId ~SessionId:long
    IsInitiatingProcessRemoteSession:bool ~RemoteSessionDeviceName ~RemoteSessionIP
DeviceInfo
    Timestamp:datetime DeviceId DeviceName ClientVersion PublicIP OSArchitecture OSPlatform
    OSBuild:long IsAzureADJoined:bool JoinType AadDeviceId LoggedOnUsers RegistryDeviceTag OSVersion
    MachineGroup ReportId:long OnboardingStatus AdditionalFields DeviceCategory DeviceType
    DeviceSubtype Model Vendor OSDistribution OSVersionInfo MergedDeviceIds MergedToDeviceId
    IsInternetFacing:bool SensorHealthState IsExcluded:bool ExclusionReason ExposureLevel AssetValue
    DeviceManualTags DeviceDynamicTags ConnectivityType HostDeviceId AzureResourceId AwsResourceName
    GcpFullResourceName
DeviceLogonEvents
    Timestamp:datetime DeviceId DeviceName ActionType LogonType AccountDomain AccountName AccountSid
    Protocol FailureReason IsLocalAdmin:bool LogonId:long RemoteDeviceName RemoteIP RemoteIPType
    RemotePort:int ~AccountDomain ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId
    ~IntegrityLevel ~TokenElevation ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long
    ~VersionInfoCompanyName ~VersionInfoProductName ~VersionInfoProductVersion
    ~VersionInfoInternalFileName ~VersionInfoOriginalFileName ~VersionInfoFileDescription ~Id:long
    ~CommandLine ~CreationTime:datetime ~FolderPath ~ParentId:long ~ParentFileName
    ~ParentCreationTime:datetime ReportId:long AppGuardContainerId AdditionalFields ~SessionId:long
    IsInitiatingProcessRemoteSession:bool ~RemoteSessionDeviceName ~RemoteSessionIP
DeviceNetworkEvents
    Timestamp:datetime DeviceId DeviceName ActionType RemoteIP RemotePort:int RemoteUrl LocalIP
    LocalPort:int Protocol LocalIPType RemoteIPType ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long
    ~VersionInfoCompanyName ~VersionInfoProductName ~VersionInfoProductVersion
    ~VersionInfoInternalFileName ~VersionInfoOriginalFileName ~VersionInfoFileDescription ~Id:long
    ~CommandLine ~CreationTime:datetime ~FolderPath ~ParentFileName ~ParentId:long
    ~ParentCreationTime:datetime ~AccountDomain ~AccountName ~AccountSid ~AccountUpn
    ~AccountObjectId ~IntegrityLevel ~TokenElevation ReportId:long AppGuardContainerId
    AdditionalFields ~SessionId:long IsInitiatingProcessRemoteSession:bool ~RemoteSessionDeviceName
    ~RemoteSessionIP
DeviceNetworkInfo
    Timestamp:datetime DeviceId DeviceName NetworkAdapterName MacAddress NetworkAdapterType
    NetworkAdapterStatus TunnelType ConnectedNetworks DnsAddresses IPv4Dhcp IPv6Dhcp DefaultGateways
    IPAddresses ReportId:long NetworkAdapterVendor
DeviceProcessEvents
    Timestamp:datetime DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5
    FileSize:long ProcessVersionInfoCompanyName ProcessVersionInfoProductName
    ProcessVersionInfoProductVersion ProcessVersionInfoInternalFileName
    ProcessVersionInfoOriginalFileName ProcessVersionInfoFileDescription ProcessId:long
    ProcessCommandLine ProcessIntegrityLevel ProcessTokenElevation ProcessCreationTime:datetime
    AccountDomain AccountName AccountSid AccountUpn AccountObjectId LogonId:long ~AccountDomain
    ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId ~LogonId:long ~IntegrityLevel
    ~TokenElevation ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long ~VersionInfoCompanyName
    ~VersionInfoProductName ~VersionInfoProductVersion ~VersionInfoInternalFileName
    ~VersionInfoOriginalFileName ~VersionInfoFileDescription ~Id:long ~CommandLine
    ~CreationTime:datetime ~FolderPath ~ParentId:long ~ParentFileName ~ParentCreationTime:datetime
    ~SignerType ~SignatureStatus ReportId:long AppGuardContainerId AdditionalFields ~SessionId:long
    IsInitiatingProcessRemoteSession:bool ~RemoteSessionDeviceName ~RemoteSessionIP
    CreatedProcessSessionId:long IsProcessRemoteSession:bool ProcessRemoteSessionDeviceName
    ProcessRemoteSessionIP
DeviceRegistryEvents
    Timestamp:datetime DeviceId DeviceName ActionType RegistryKey RegistryValueType
    RegistryValueName RegistryValueData PreviousRegistryKey PreviousRegistryValueName
    PreviousRegistryValueData ~AccountDomain ~AccountName ~AccountSid ~AccountUpn ~AccountObjectId
    ~SHA1 ~SHA256 ~MD5 ~FileName ~FileSize:long ~VersionInfoCompanyName ~VersionInfoProductName
    ~VersionInfoProductVersion ~VersionInfoInternalFileName ~VersionInfoOriginalFileName
    ~VersionInfoFileDescription ~Id:long ~CommandLine ~CreationTime:datetime ~FolderPath
    ~ParentId:long ~ParentFileName ~ParentCreationTime:datetime ~IntegrityLevel ~TokenElevation
    ReportId:long AppGuardContainerId ~SessionId:long IsInitiatingProcessRemoteSession:bool
    ~RemoteSessionDeviceName ~RemoteSessionIP
DeviceTvmBrowserExtensions
    DeviceId BrowserName ExtensionId ExtensionName ExtensionDescription ExtensionVersion
    ExtensionRisk ExtensionVendor IsActivated InstallationTime:datetime
DeviceTvmBrowserExtensionsKB
    BrowserName ExtensionId ExtensionName ExtensionDescription ExtensionVersion:dynamic
    ExtensionRisk PermissionId PermissionName PermissionDescription PermissionRisk
    IsPermissionRequired
DeviceTvmCertificateInfo
    DeviceId Thumbprint Path SerialNumber IssuedTo:dynamic IssuedBy:dynamic FriendlyName
    SignatureAlgorithm KeySize ExpirationDate IssueDate SubjectType KeyUsage ExtendedKeyUsage
DeviceTvmHardwareFirmware
    DeviceId DeviceName ComponentType Manufacturer ComponentName ComponentFamily ComponentVersion
    AdditionalFields:dynamic
DeviceTvmInfoGathering
    Timestamp:datetime LastSeenTime:datetime DeviceId DeviceName OSPlatform AdditionalFields:dynamic
DeviceTvmInfoGatheringKB
    IgId FieldName Description Categories:dynamic DataStructure
DeviceTvmSecureConfigurationAssessment
    DeviceId DeviceName OSPlatform Timestamp:datetime ConfigurationId ConfigurationCategory
    ConfigurationSubcategory ConfigurationImpact:real IsCompliant:bool IsApplicable:bool
    Context:dynamic IsExpectedUserImpact:bool
DeviceTvmSecureConfigurationAssessmentKB
    ConfigurationId ConfigurationImpact:real ConfigurationName ConfigurationDescription
    RiskDescription ConfigurationCategory ConfigurationSubcategory ConfigurationBenchmarks:dynamic
    Tags:dynamic RemediationOptions
DeviceTvmSoftwareEvidenceBeta
    DeviceId SoftwareVendor SoftwareName SoftwareVersion RegistryPaths:dynamic DiskPaths:dynamic
    LastSeenTime
DeviceTvmSoftwareInventory
    DeviceId DeviceName OSPlatform OSVersion OSArchitecture SoftwareVendor SoftwareName
    SoftwareVersion EndOfSupportStatus EndOfSupportDate:datetime ProductCodeCpe
DeviceTvmSoftwareVulnerabilities
    DeviceId DeviceName OSPlatform OSVersion OSArchitecture SoftwareVendor SoftwareName
    SoftwareVersion CveId VulnerabilitySeverityLevel RecommendedSecurityUpdate
    RecommendedSecurityUpdateId CveTags:dynamic
DeviceTvmSoftwareVulnerabilitiesKB
    CveId CvssScore IsExploitAvailable:bool VulnerabilitySeverityLevel LastModifiedTime:datetime
    PublishedDate:datetime VulnerabilityDescription AffectedSoftware:dynamic
DisruptionAndResponseEvents
    Timestamp:datetime ActionType DeviceId SourceDeviceId TargetDeviceId TargetDeviceName
    TargetDomainName DeviceName DomainName ~Id:int ~FileName SourceUserSid SourceUserName
    SourceUserDomainName SourceIPAddress SourcePort:int IPAddress Port SourceDeviceName
    SourceDomainName AuthenticationProtocol Service InterfaceUuidSourceDomainName
    InterfaceFriendlyName FileName ShareName LogonType LogonId:long SessionId:long
    CompromisedAccountCount:int PolicyId PolicyName PolicyVersion PolicyHash DataSources:dynamic
    IsPolicyOn:bool ReportType
EmailAttachmentInfo
    Timestamp:datetime NetworkMessageId SenderFromAddress SenderDisplayName SenderObjectId
    RecipientEmailAddress RecipientObjectId FileName FileType SHA256 FileSize:long ThreatTypes
    ThreatNames DetectionMethods ReportId
EmailEvents
    Timestamp:datetime NetworkMessageId InternetMessageId SenderMailFromAddress SenderFromAddress
    SenderDisplayName SenderObjectId SenderMailFromDomain SenderFromDomain SenderIPv4 SenderIPv6
    RecipientEmailAddress RecipientObjectId Subject EmailClusterId:long EmailDirection
    DeliveryAction DeliveryLocation ThreatTypes ThreatNames DetectionMethods ConfidenceLevel
    BulkComplaintLevel:int EmailAction EmailActionPolicy EmailActionPolicyGuid AuthenticationDetails
    AttachmentCount:int UrlCount:int EmailLanguage Connectors OrgLevelAction OrgLevelPolicy
    UserLevelAction UserLevelPolicy ReportId AdditionalFields LatestDeliveryLocation
    LatestDeliveryAction
EmailPostDeliveryEvents
    Timestamp:datetime NetworkMessageId InternetMessageId Action ActionType ActionTrigger
    ActionResult RecipientEmailAddress DeliveryLocation ThreatTypes DetectionMethods ReportId
EmailUrlInfo
    Timestamp:datetime NetworkMessageId Url UrlDomain UrlLocation ReportId
EntraIdSignInEvents
    Timestamp:datetime Application ApplicationId LogonType ErrorCode:int CorrelationId SessionId
    AccountDisplayName AccountObjectId AccountUpn IsExternalUser:int IsGuestUser:bool
    AlternateSignInName LastPasswordChangeTimestamp:datetime ResourceDisplayName ResourceId
    ResourceTenantId DeviceName EntraIdDeviceId OSPlatform DeviceTrustType IsManaged:int
    IsCompliant:int AuthenticationProcessingDetails AuthenticationRequirement TokenIssuerType:int
    RiskLevelAggregated:int RiskDetails:int RiskState:int UserAgent ClientAppUsed Browser
    ConditionalAccessPolicies ConditionalAccessStatus:int IPAddress Country State City Latitude
    Longitude NetworkLocationDetails RequestId ReportId EndpointCall
    IsThroughGlobalSecureAccess:bool UniqueTokenId
EntraIdSpnSignInEvents
    Timestamp:datetime Application ApplicationId IsManagedIdentity:bool ErrorCode:int CorrelationId
    ServicePrincipalName ServicePrincipalId ResourceDisplayName ResourceId ResourceTenantId
    IPAddress Country State City Latitude Longitude RequestId ReportId
ExposureGraphEdges
    EdgeId EdgeLabel SourceNodeId SourceNodeName SourceNodeLabel SourceNodeCategories:dynamic
    TargetNodeId TargetNodeName TargetNodeLabel TargetNodeCategories:dynamic EdgeProperties:dynamic
ExposureGraphNodes
    NodeId NodeLabel NodeName Categories:dynamic NodeProperties:dynamic EntityIds:dynamic
FileMaliciousContentInfo
    Timestamp:datetime Workload FileName FolderPath FileSize:long SHA256 FileOwnerDisplayName
    FileOwnerUpn DocumentId ThreatTypes:dynamic ThreatNames DetectionMethods LastModifyingAccountUpn
    LastModifiedTime:datetime FileCreationTime:datetime ReportId
GraphApiAuditEvents
    IdentityProvider ApiVersion ApplicationId IPAddress ClientRequestId EntityType RequestUri
    AccountObjectId OperationId Location RequestDuration RequestId RequestMethod Timestamp:datetime
    ResponseStatusCode Scopes UniqueTokenIdentifier TargetWorkload ServicePrincipalId
    ResponseSize:int
IdentityAccountInfo
    Timestamp:datetime ReportId SourceProviderAccountId AccountId IdentityId IsPrimary:bool
    IdentityLinkType IdentityLinkReason IdentityLinkTime:datetime IdentityLinkBy DisplayName
    AccountUpn EmailAddress CriticalityLevel:int DefenderRiskLevel:int
    DefenderRiskUpdateTime:datetime Type GivenName Surname EmployeeId Department JobTitle Address
    City Country Phone Manager Sid AccountStatus SourceProvider SourceProviderInstanceId
    SourceProviderInstanceDisplayName AuthenticationMethod AuthenticationSourceAcccountId
    EnrolledMfas:dynamic LastPasswordChangeTime:datetime GroupMembership:dynamic
    AssignedRoles:dynamic EligibleRoles:dynamic TenantMembershipType CreatedDateTime:datetime
    DeletedDateTime:datetime Tags:dynamic SourceProvderRiskLevel:dynamic AdditionalFields:dynamic
    TenantId
IdentityDirectoryEvents
    Timestamp:datetime ActionType Application TargetAccountUpn TargetAccountDisplayName
    TargetDeviceName DestinationDeviceName DestinationIPAddress DestinationPort:int Protocol
    AccountName AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName
    IPAddress Port:int Location ISP ReportId AdditionalFields:dynamic
IdentityEvents
    Timestamp:datetime ReportId AccountId AccountType AccountDisplayName AccountUpn ActionType
    ActionResult ActionFailureReason IPAddress UserAgent TargetObjects:dynamic Application
    ApplicationInstanceId ApplicationEventId ApplicationSessionId RawEventData:dynamic
    AdditionalFields:dynamic
IdentityInfo
    Timestamp:datetime ReportId AccountObjectId AccountUpn OnPremSid AccountDisplayName AccountName
    AccountDomain CriticalityLevel:int Type DistinguishedName CloudSid GivenName Surname Department
    JobTitle EmailAddress SipProxyAddress Address City Country IsAccountEnabled:bool Manager Phone
    CreatedDateTime:datetime ChangeSource BlastRadius CompanyName DeletedDateTime:datetime
    EmployeeId OtherMailAddresses:dynamic RiskLevel RiskLevelDetails State Tags:dynamic
    AssignedRoles:dynamic PrivilegedEntraPimRoles:dynamic TenantId SourceSystem OnPremObjectId
    TenantMembershipType RiskStatus UserAccountControl IdentityEnvironment SourceProviders:dynamic
    GroupMembership:dynamic
IdentityLogonEvents
    Timestamp:datetime ActionType Application LogonType Protocol FailureReason AccountName
    AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName DeviceType
    OSPlatform IPAddress Port:int DestinationDeviceName DestinationIPAddress DestinationPort:int
    TargetDeviceName TargetAccountDisplayName Location Isp ReportId AdditionalFields:dynamic
IdentityQueryEvents
    Timestamp:datetime ActionType Application QueryType QueryTarget Query Protocol AccountName
    AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName IPAddress
    Port:int DestinationDeviceName DestinationIPAddress DestinationPort:int TargetDeviceName
    TargetAccountUpn TargetAccountDisplayName Location ReportId AdditionalFields:dynamic
MessageEvents
    Timestamp:datetime LastEditedTime TeamsMessageId SenderEmailAddress SenderDisplayName
    SenderObjectId SenderType RecipientDetails:dynamic IsOwnedThread:bool MessageId ParentMessageId
    GroupId GroupName ThreadId ThreadSubtype IsExternalThread:bool MessageFormatType
    MessageFormatSubtype MessageVersion MessageSubject ThreatTypes DetectionMethods:dynamic
    ConfidenceLevel:dynamic DeliveryAction DeliveryLocation ReportId SafetyTip
MessagePostDeliveryEvents
    Timestamp:datetime TeamsMessageId Action ActionType ActionTrigger ActionResult
    SenderEmailAddress RecipientDetails:dynamic ThreatTypes ConfidenceLevel:dynamic DetectionMethods
    LatestDeliveryLocation ReportId IsExternalThread:bool SafetyTip
MessageUrlInfo
    Timestamp:datetime TeamsMessageId Url UrlDomain ThreatTypes ReportId
OAuthAppInfo
    ReportId Timestamp:datetime OAuthAppId ServicePrincipalId AppName AddedOnTime:datetime
    LastModifiedTime:datetime AppStatus VerifiedPublisher:dynamic PrivilegeLevel Permissions:dynamic
    ConsentedUsersCount:int IsAdminConsented:bool AppOrigin LastUsedTime:datetime AppOwnerTenantId
    RiskScore:int AssignedRoles:dynamic
UrlClickEvents
    Timestamp:datetime Url ActionType AccountUpn Workload NetworkMessageId ThreatTypes
    DetectionMethods IPAddress IsClickedThrough:bool UrlChain ReportId
"""

KQL_TYPES = frozenset(
    {"string", "long", "int", "real", "bool", "datetime", "dynamic", "guid", "timespan"}
)


def _parse(text: str) -> dict[str, tuple[tuple[str, str], ...]]:
    tables: dict[str, tuple[tuple[str, str], ...]] = {}
    name = ""
    columns: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            if name:
                tables[name] = tuple(columns)
            name, columns = line.strip(), []
            continue
        for token in line.split():
            column, _, kind = token.partition(":")
            if column.startswith("~"):
                column = "InitiatingProcess" + column[1:]
            columns.append((column, kind or "string"))
    if name:
        tables[name] = tuple(columns)
    return tables


HUNTING_TABLES: dict[str, tuple[tuple[str, str], ...]] = _parse(_TABLES)
"""Table name -> ordered (column, KQL type) pairs for every Advanced Hunting table."""
